import Postgres

/// How one tool keeps its history: which table shape is its, how its rows are read, and which migration
/// files they say are applied. One type per tool (`GolangMigrateHistory`, `DbmateHistory`); a new tool to
/// adopt is a new one of these and a `LegacyHistory.Tool` case that names it.
protocol LegacyHistoryReader {
    /// Whether a table with these columns (name → type as `format_type` prints it) is this tool's.
    static func recognises(columns: [String: String]) -> Bool
    /// Fills `history` from its table (`qualified`, quoted): the versions as text, and whatever else the
    /// tool records that adoption must check (golang-migrate's dirty flag, Prisma's unfinished rows).
    static func read(_ db: Connection, qualified: String, into history: inout LegacyHistory) throws
    /// One line saying what the table records, for messages.
    static func summary(_ legacy: LegacyHistory) -> String
    /// The files (oldest first) that its history says are applied; refuses rather than guesses, with
    /// `MigratorError.adoptionProblems`.
    static func applied(_ legacy: LegacyHistory, files: [Migration]) throws -> [Migration]
}

extension LegacyHistory.Tool {
    var reader: any LegacyHistoryReader.Type {
        switch self {
        case .golangMigrate: return GolangMigrateHistory.self
        case .dbmate: return DbmateHistory.self
        case .goose: return GooseHistory.self
        case .prisma: return PrismaHistory.self
        case .flyway: return FlywayHistory.self
        }
    }
}

/// golang-migrate: `version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL`, one row holding the
/// latest version applied.
enum GolangMigrateHistory: LegacyHistoryReader {
    static func recognises(columns: [String: String]) -> Bool {
        columns == ["version": "bigint", "dirty": "boolean"]
    }

    static func read(_ db: Connection, qualified: String, into history: inout LegacyHistory) throws {
        let rows = try db.exec("SELECT version, dirty FROM \(qualified)").rows
        guard rows.count <= 1 else {
            throw MigratorError.usage(
                "\(history.name) has \(rows.count) rows, but golang-migrate keeps exactly one "
                    + "(the latest version); fix it with golang-migrate's `migrate force VERSION` first; nothing was changed")
        }
        history.versions = rows.map { $0[0] ?? "" }
        history.dirty = rows.first?[1] == "t"
    }

    static func summary(_ legacy: LegacyHistory) -> String {
        guard let version = legacy.versions.first else { return "golang-migrate's \(legacy.name), with no version applied" }
        return "golang-migrate's \(legacy.name), at version \(version)\(legacy.dirty ? " (dirty)" : "")"
    }

    /// golang-migrate keeps only the latest version: everything at or below it ran, in order.
    static func applied(_ legacy: LegacyHistory, files: [Migration]) throws -> [Migration] {
        guard let text = legacy.versions.first, let latest = Int64(text) else { return [] }
        // golang-migrate records -1 (no version) only together with dirty.
        let version = latest >= 0 ? MigrationVersion(UInt64(latest)) : nil
        if legacy.dirty {
            let earlier = files.last { m in version.map { m.version < $0 } ?? false }?.version.number ?? -1
            let file = files.first { $0.version == version }?.up.file
            throw MigratorError.adoptionProblems([.dirty(table: legacy.name, version: latest, file: file, earlier: earlier)])
        }
        guard let version else { return [] }
        guard files.contains(where: { $0.version == version }) else {
            throw MigratorError.adoptionProblems([.unknownLatest(table: legacy.name, version: latest)])
        }
        return files.filter { $0.version <= version }
    }
}

/// dbmate: `version varchar(128) PRIMARY KEY` (text in some releases), one row per applied version.
enum DbmateHistory: LegacyHistoryReader {
    static func recognises(columns: [String: String]) -> Bool {
        guard columns.count == 1, let type = columns["version"] else { return false }
        return type == "text" || type.hasPrefix("character varying")
    }

    static func read(_ db: Connection, qualified: String, into history: inout LegacyHistory) throws {
        history.versions = try db.exec("SELECT version FROM \(qualified) ORDER BY version").rows.map { $0[0] ?? "" }
    }

    static func summary(_ legacy: LegacyHistory) -> String {
        counted("dbmate", legacy)
    }

    /// "TOOL's TABLE, with N applied versions, the newest V": for the tools that list every version.
    static func counted(_ tool: String, _ legacy: LegacyHistory) -> String {
        let numbers = legacy.versions.compactMap { Int64($0) }
        return "\(tool)'s \(legacy.name), with \(legacy.versions.count) applied version\(legacy.versions.count == 1 ? "" : "s")"
            + (numbers.max().map { ", the newest \($0)" } ?? "")
    }

    /// Exactly the versions listed; every one must be a number that a file has.
    static func applied(_ legacy: LegacyHistory, files: [Migration]) throws -> [Migration] {
        let (applied, problems) = listed(legacy, files: files)
        guard problems.isEmpty else { throw MigratorError.adoptionProblems(problems) }
        return applied
    }

    /// The files of the versions listed, and a problem for each entry that is not a version a file has.
    /// goose's and Prisma's readers count their rows down to such a list too.
    static func listed(_ legacy: LegacyHistory, files: [Migration]) -> (applied: [Migration], problems: [AdoptionProblem]) {
        var problems: [AdoptionProblem] = []
        var versions = Set<MigrationVersion>()
        for text in legacy.versions {
            // dbmate keeps the file name's leading digits as text, "0" included.
            if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let version = Int64(text) {
                versions.insert(MigrationVersion(UInt64(version), text: text))
            } else {
                problems.append(.notAVersion(table: legacy.name, text: text))
            }
        }
        let missing = versions.subtracting(files.map(\.version)).sorted()
        if !missing.isEmpty { problems.append(.noFiles(table: legacy.name, versions: missing)) }
        return (files.filter { versions.contains($0.version) }, problems)
    }
}
