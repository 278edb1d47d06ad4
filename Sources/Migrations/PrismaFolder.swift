import FoundationEssentials
import System

/// Prisma Migrate's layout: one folder per migration, `TIMESTAMP_NAME/migration.sql`, applied in folder
/// name order, beside a `migration_lock.toml` that names the database the SQL was written for. Prisma
/// has no down migrations.
enum PrismaFolder {
    static let sqlFile = "migration.sql"
    static let lockFile = "migration_lock.toml"

    /// `20230104091512_init`: its version and name; nil for a name of another shape.
    static func name(_ folder: String) -> (version: MigrationVersion?, versionText: String, name: String)? {
        let digits = folder.prefix { $0.isASCII && $0.isNumber }
        let rest = folder.dropFirst(digits.count)
        guard !digits.isEmpty, rest.hasPrefix("_"), rest.count > 1 else { return nil }
        let version = Int64(digits).map { MigrationVersion(UInt64($0), text: String(digits)) }
        return (version, String(digits), String(rest.dropFirst()))
    }

    /// Why an entry of a migration folder cannot stay there, or nil: only `migration.sql` is read, and
    /// beside it only what a folder of migrations may hold anyway (hidden files, README, *.md).
    static func strayEntry(_ entry: String) -> String? {
        let lower = entry.lowercased()
        if entry == sqlFile || entry.hasPrefix(".") || lower == "readme" || lower.hasPrefix("readme.") || lower.hasSuffix(".md") {
            return nil
        }
        return "Prisma reads only \(sqlFile) in a migration folder, so this never runs: move it out of the folder"
    }

    /// Why a `migration_lock.toml` is refused, or nil when it names PostgreSQL.
    static func lockProblem(_ text: String) -> String? {
        var provider: String?
        for line in text.split(whereSeparator: \.isNewline) {
            let code = line.prefix { $0 != "#" }.trimmingUnicodeWhitespace()
            guard code.hasPrefix("provider") else { continue }
            let value = code.dropFirst("provider".count).trimmingUnicodeWhitespace()
            guard value.hasPrefix("=") else { continue }
            provider = String(value.dropFirst().trimmingUnicodeWhitespace().filter { $0 != "\"" && $0 != "'" })
        }
        guard let provider else {
            return "has no provider line; Prisma writes provider = \"postgresql\" there for PostgreSQL migrations"
        }
        if provider == "postgresql" { return nil }
        return
            "says provider = \"\(provider)\": these migrations were written for \(provider), and the migrator applies only PostgreSQL's (provider = \"postgresql\")"
    }
}
