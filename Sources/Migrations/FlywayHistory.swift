import Postgres

/// Flyway's `flyway_schema_history`: one row per thing Flyway did, in `installed_rank` order. What it means
/// for adoption, as Flyway reads it:
/// - `SQL` (and `JDBC`, `SCRIPT`, … for other kinds of migration) with a version: that version applied,
///   `checksum` being Flyway's CRC-32 of the script (`FlywayChecksum`).
/// - `UNDO_SQL` (or another `UNDO_` type) and `DELETE` (`flyway repair` marking a missing migration
///   deleted): that version is no longer applied, until a later row applies it again. The last row of a
///   version decides.
/// - `BASELINE` (or `SQL_BASELINE`): the database already held everything up to that version, which Flyway
///   never ran: those files count as applied without a checksum to compare.
/// - `SCHEMA` (Flyway created the schemas) and rows without a version (repeatable `R__` scripts) are not
///   versioned migrations.
/// - `success = false`: a migration that failed and was not repaired; Flyway itself refuses to migrate
///   until `flyway repair` removes it.
enum FlywayHistory: LegacyHistoryReader {
    static let table = "flyway_schema_history"

    static func recognises(columns: [String: String]) -> Bool {
        Set(columns.keys) == [
            "installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "installed_on",
            "execution_time", "success",
        ]
    }

    static func read(_ db: Connection, qualified: String, into history: inout LegacyHistory) throws {
        let rows = try db.exec(
            "SELECT version, type, script, checksum, success FROM \(qualified) WHERE type <> 'SCHEMA' ORDER BY installed_rank"
        ).rows
        var last: [String: (applied: Bool, script: String, checksum: String)] = [:]
        var order: [String] = []
        for row in rows {
            let type = row[1] ?? ""
            let script = row[2] ?? ""
            guard row[4] == "t" else {
                history.failed.append(row[0].map { "\($0) (\(script))" } ?? script)
                continue
            }
            // A repeatable script: `up` runs each R__ file once more, which it is written to bear.
            guard let version = row[0] else { continue }
            if type.hasSuffix("BASELINE") {
                // The highest baseline counts, should there be more than one.
                let old = history.baseline.flatMap(MigrationVersion.init(parsing:))
                if let old, let new = MigrationVersion(parsing: version), new <= old { continue }
                history.baseline = version
                continue
            }
            if last[version] == nil { order.append(version) }
            last[version] = (!type.hasPrefix("UNDO_") && type != "DELETE", script, row[3] ?? "")
        }
        for version in order {
            guard let row = last[version], row.applied else { continue }
            history.versions.append(version)
            if let parsed = MigrationVersion(parsing: version) {
                history.names[parsed] = row.script
                history.checksums[parsed] = row.checksum
            }
        }
    }

    static func summary(_ legacy: LegacyHistory) -> String {
        let newest = legacy.versions.compactMap(MigrationVersion.init(parsing:)).max()
        return "Flyway's \(legacy.name), with \(legacy.versions.count) applied version\(legacy.versions.count == 1 ? "" : "s")"
            + (newest.map { ", the newest \($0)" } ?? "") + (legacy.baseline.map { ", baselined at \($0)" } ?? "")
            + (legacy.failed.isEmpty ? "" : " and \(legacy.failed.count) failed")
    }

    /// The files at or below the baseline, and those of the versions applied since, each checked against
    /// the checksum Flyway recorded for it; refused as Flyway itself would refuse: a failed migration, a
    /// version without its file, a file edited since it was applied.
    static func applied(_ legacy: LegacyHistory, files: [Migration]) throws -> [Migration] {
        if !legacy.failed.isEmpty { throw MigratorError.adoptionProblems([.failed(table: legacy.name, scripts: legacy.failed)]) }
        var problems: [AdoptionProblem] = []
        var listed = Set<MigrationVersion>()
        for text in legacy.versions {
            if let version = MigrationVersion(parsing: text) {
                listed.insert(version)
            } else {
                problems.append(.notAVersion(table: legacy.name, text: text))
            }
        }
        var baseline: MigrationVersion?
        if let text = legacy.baseline {
            baseline = MigrationVersion(parsing: text)
            if baseline == nil { problems.append(.notAVersion(table: legacy.name, text: text)) }
        }
        let missing = listed.subtracting(files.map(\.version)).sorted()
        if !missing.isEmpty { problems.append(.noFiles(table: legacy.name, versions: missing)) }
        var applied: [Migration] = []
        for m in files {
            if listed.contains(m.version) {
                let recorded = legacy.checksums[m.version] ?? ""
                let checksum = try m.up.loaded().withBytes { FlywayChecksum.of($0) }
                if recorded != String(checksum) {
                    problems.append(
                        .editedSinceFlyway(table: legacy.name, file: m.up.file, checksum: String(checksum), recorded: recorded))
                }
                applied.append(m)
            } else if let baseline, m.version <= baseline {
                applied.append(m)
            }
        }
        guard problems.isEmpty else { throw MigratorError.adoptionProblems(problems) }
        return applied
    }
}
