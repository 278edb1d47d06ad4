/// Flyway's layout: `V<version>__<description>.sql` (versioned), `U<version>__<description>.sql` (undo: the
/// down of that version), and `R__<description>.sql` (repeatable, read by `RepeatableMigration`).
///
/// A version is digits in parts separated by `.` or `_` (`1`, `1.1`, `2.0.1`, `1_1` read as `1.1`), ordered
/// as Flyway orders them (`MigrationVersion`); the first `__` ends it. Each file is one section, run as
/// the migrator runs any (in a transaction unless a statement cannot run in one, as Flyway decides too).
/// Flyway replaces `${name}` placeholders in every script by default and fails on one without a value, so
/// a Flyway file's `${name}` is always substituted by the migrator's placeholders, dollar-quoted bodies
/// included (`SQLSection.substitutionRegions`); Flyway's built-in `${flyway:…}` ones have no value here.
enum FlywayFile {
    enum Kind {
        case versioned
        case undo
    }

    struct Name {
        let kind: Kind
        let version: MigrationVersion
        /// As written, underscores kept: `create_users` (Flyway shows "create users").
        let description: String
    }

    enum Parsed {
        case name(Name)
        /// Shaped like a Flyway migration's name, but not one: why.
        case problem(String)
    }

    static let separator = "__"

    /// `V2.0.1__add_index.sql`: its parts; nil for a name that is not shaped like `V…__`/`U…__` with a digit
    /// after the prefix.
    static func parse(_ file: String) -> Parsed? {
        guard file.hasSuffix(".sql"), let prefix = file.first, prefix == "V" || prefix == "U" else { return nil }
        let stem = file.dropFirst().dropLast(4)
        guard let first = stem.first, first.isASCII && first.isNumber else { return nil }
        let kind: Kind = prefix == "V" ? .versioned : .undo
        guard let separator = stem.firstRange(of: separator) else {
            return .problem("looks like a Flyway migration, but has no __ after its version: name it \(prefix)<version>__<description>.sql")
        }
        let text = String(stem[..<separator.lowerBound])
        guard let version = MigrationVersion(parsing: text) else {
            return .problem(
                "looks like a Flyway migration, but \(text) is not a version: digits, in parts separated by . or _ (1, 1.1, 2.0.1, 1_1)")
        }
        return .name(Name(kind: kind, version: version, description: String(stem[separator.upperBound...])))
    }

    /// Whole section: where a Flyway file's placeholders are substituted (always, as Flyway does).
    static func substitutingEverywhere(_ section: SQLSection) -> SQLSection {
        var section = section
        let count = section.withBytes { $0.count }
        section.substitutionRegions = count == 0 ? [] : [0..<count]
        return section
    }
}
