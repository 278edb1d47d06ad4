import Postgres

/// goose's `goose_db_version`: one row per step, `version_id` and `is_applied`, in `id` order. The last row
/// of a version decides whether it is applied (older goose releases wrote `is_applied = false` rows for a
/// rollback; newer ones delete the row). The row of version 0 is the one goose writes when it creates the
/// table, not a migration.
///
/// goose records a migration only once it finished, so its table cannot say that one failed partway: a
/// `NO TRANSACTION` file that failed halfway is simply not listed.
enum GooseHistory {
    static let table = "goose_db_version"

    /// Whether a table with these columns (name → type as `format_type` prints it) is goose's.
    static func matches(columns: [String: String]) -> Bool {
        Set(columns.keys) == ["id", "version_id", "is_applied", "tstamp"] && ["integer", "bigint"].contains(columns["id"])
            && columns["version_id"] == "bigint" && columns["is_applied"] == "boolean"
    }

    static func read(_ db: Connection, qualified: String, schema: String, table: String) throws -> LegacyHistory {
        let rows = try db.exec("SELECT version_id, is_applied FROM \(qualified) ORDER BY id").rows
        var last: [Int64: Bool] = [:]
        for row in rows {
            guard let version = row[0].flatMap({ Int64($0) }), version != 0 else { continue }
            last[version] = row[1] == "t"
        }
        let applied = last.filter(\.value).keys.sorted()
        return LegacyHistory(tool: .goose, schema: schema, table: table, versions: applied.map(String.init), dirty: false)
    }
}
