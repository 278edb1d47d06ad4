import Postgres

/// The last run of each repeatable migration: `<history table>_repeatable`, beside the history table.
/// A table of its own because the history's key is a bigint version that a name cannot fill, and every
/// existing `migrator_history` (and the tools that read it) keeps its shape.
struct RepeatableHistory {
    struct Record: Sendable, Equatable {
        var name: String
        var checksum: String
        var appliedAt: String
        var executionMs: Int
    }

    let connection: Connection
    let qualified: String
    let schema: String
    let table: String

    init(_ history: HistoryTable) throws {
        connection = history.connection
        schema = history.schema
        table = history.table + "_repeatable"
        qualified = try connection.quoteIdentifier(schema) + "." + connection.quoteIdentifier(table)
    }

    /// Call under the migration lock, after the history table's `create()` made the schema.
    func create() throws {
        try connection.exec(
            """
            CREATE TABLE IF NOT EXISTS \(qualified) (
                name text PRIMARY KEY,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                execution_ms bigint NOT NULL DEFAULT 0,
                applied_by text NOT NULL
            )
            """)
    }

    /// Empty when the table does not exist yet.
    func records() throws -> [Record] {
        guard try HistoryTable.tableExists(qualified, on: connection) else { return [] }
        let result = try connection.exec(
            """
            SELECT name, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), execution_ms
            FROM \(qualified) ORDER BY name
            """)
        return result.rows.map { row in
            Record(name: row[0] ?? "", checksum: row[1] ?? "", appliedAt: row[2] ?? "", executionMs: Int(row[3] ?? "") ?? 0)
        }
    }

    func record(_ r: RepeatableMigration, executionMs: Int, appliedBy: String) throws {
        try connection.query(
            """
            INSERT INTO \(qualified) (name, checksum, execution_ms, applied_by) VALUES ($1, $2, $3, $4)
            ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now(),
                execution_ms = EXCLUDED.execution_ms, applied_by = EXCLUDED.applied_by
            """, [r.name, r.checksum, String(executionMs), appliedBy])
    }
}
