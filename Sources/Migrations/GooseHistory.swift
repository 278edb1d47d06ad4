import Postgres

/// goose's `goose_db_version`: one row per step, `version_id` and `is_applied`, in `id` order. The last row
/// of a version decides whether it is applied (older goose releases wrote `is_applied = false` rows for a
/// rollback; newer ones delete the row). The row of version 0 is the one goose writes when it creates the
/// table, not a migration.
///
/// goose records a migration only once it finished, so its table cannot say that one failed partway: a
/// `NO TRANSACTION` file that failed halfway is simply not listed.
enum GooseHistory: LegacyHistoryReader {
    static let table = "goose_db_version"

    static func recognises(columns: [String: String]) -> Bool {
        Set(columns.keys) == ["id", "version_id", "is_applied", "tstamp"] && ["integer", "bigint"].contains(columns["id"])
            && columns["version_id"] == "bigint" && columns["is_applied"] == "boolean"
    }

    static func read(_ db: Connection, qualified: String, into history: inout LegacyHistory) throws {
        let rows = try db.exec("SELECT version_id, is_applied FROM \(qualified) ORDER BY id").rows
        var last: [Int64: Bool] = [:]
        for row in rows {
            guard let version = row[0].flatMap({ Int64($0) }), version != 0 else { continue }
            last[version] = row[1] == "t"
        }
        history.versions = last.filter(\.value).keys.sorted().map(String.init)
    }

    static func summary(_ legacy: LegacyHistory) -> String {
        DbmateHistory.counted("goose", legacy)
    }

    /// Exactly the versions applied; every one must be a version that a file has.
    static func applied(_ legacy: LegacyHistory, files: [Migration]) throws -> [Migration] {
        let (applied, problems) = DbmateHistory.listed(legacy, files: files)
        guard problems.isEmpty else { throw MigratorError.adoptionProblems(problems) }
        return applied
    }
}
