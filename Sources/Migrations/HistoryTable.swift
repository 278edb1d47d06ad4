import Postgres

/// The table that records which migrations ran: `migrator_history` in the connection's current schema,
/// or the configured name and schema.
struct HistoryTable {
    let connection: Connection
    let schema: String
    let table: String
    /// "schema"."table", quoted.
    let qualified: String

    /// Resolves the schema (the configured one, or the session's current schema).
    init(connection: Connection, schema: String?, table: String) throws {
        self.connection = connection
        let resolved: String
        if let schema {
            resolved = schema
        } else {
            guard let current = try connection.exec("SELECT current_schema() AS s").value("s") else {
                throw MigratorError.noCurrentSchema
            }
            resolved = current
        }
        self.schema = resolved
        self.table = table
        qualified = try connection.quoteIdentifier(resolved) + "." + connection.quoteIdentifier(table)
    }

    func exists() throws -> Bool {
        let result = try connection.query(
            "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = $2", [schema, table])
        return !result.rows.isEmpty
    }

    /// Creates the schema and table when missing. Call while holding the lock: concurrent
    /// CREATE TABLE IF NOT EXISTS can still collide in the catalog.
    func create() throws {
        // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists, which a
        // least-privilege migration role (CREATE on its schema only) lacks; so only when it is missing.
        let schemaExists = try connection.query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", [schema])
        if schemaExists.rows.isEmpty {
            try connection.exec("CREATE SCHEMA IF NOT EXISTS \(try connection.quoteIdentifier(schema))")
        }
        try connection.exec(
            """
            CREATE TABLE IF NOT EXISTS \(qualified) (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                state text NOT NULL CHECK (state IN ('applied', 'running')),
                applied_at timestamptz NOT NULL DEFAULT now(),
                execution_ms bigint NOT NULL DEFAULT 0,
                applied_by text NOT NULL
            )
            """)
    }

    /// Every record, oldest version first; empty when the table does not exist yet.
    func records() throws -> [HistoryRecord] {
        guard try exists() else { return [] }
        let result = try connection.exec(
            """
            SELECT version, name, checksum, state,
                   to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS applied_at,
                   execution_ms, applied_by
            FROM \(qualified) ORDER BY version
            """)
        return result.rows.map { row in
            HistoryRecord(
                version: Int64(row[0] ?? "") ?? 0, name: row[1] ?? "", checksum: row[2] ?? "",
                state: HistoryRecord.State(rawValue: row[3] ?? "") ?? .running,
                appliedAt: row[4] ?? "", executionMs: Int(row[5] ?? "") ?? 0, appliedBy: row[6] ?? "")
        }
    }

    func insert(_ migration: Migration, state: HistoryRecord.State, executionMs: Int, appliedBy: String) throws {
        try connection.query(
            """
            INSERT INTO \(qualified) (version, name, checksum, state, execution_ms, applied_by)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, [String(migration.version), migration.name, migration.checksum, state.rawValue, String(executionMs), appliedBy])
    }

    func markApplied(_ version: Int64, executionMs: Int) throws {
        try connection.query(
            "UPDATE \(qualified) SET state = 'applied', execution_ms = $2, applied_at = now() WHERE version = $1",
            [String(version), String(executionMs)])
    }

    /// Changes only the state, keeping when and how long it was applied: `.running` while a down section
    /// runs outside a transaction, `.applied` again when nothing of it took effect.
    func setState(_ version: Int64, _ state: HistoryRecord.State) throws {
        try connection.query("UPDATE \(qualified) SET state = $2 WHERE version = $1", [String(version), state.rawValue])
    }

    func updateChecksum(_ version: Int64, to checksum: String) throws {
        try connection.query("UPDATE \(qualified) SET checksum = $2 WHERE version = $1", [String(version), checksum])
    }

    func delete(_ version: Int64) throws {
        try connection.query("DELETE FROM \(qualified) WHERE version = $1", [String(version)])
    }
}
