import Postgres

/// The table that records which migrations ran: `migrator_history` in the connection's current schema,
/// or the configured name and schema.
struct HistoryTable {
    let connection: Connection
    let schema: String
    let table: String
    /// "schema"."table", quoted.
    let qualified: String
    /// Set once the table is known to exist (seen or created outside a transaction), for every copy of
    /// this value: the session then asks the catalog no more. Never set back: nothing the migrator does
    /// drops the table.
    let seen = Sighting()

    final class Sighting {
        var exists = false
    }

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
        if seen.exists { return true }
        let exists = try Self.tableExists(qualified, on: connection)
        noteExists(exists)
        return exists
    }

    /// Remembers a table seen outside a transaction; one seen inside could still be rolled back.
    func noteExists(_ exists: Bool) {
        if exists && connection.transactionStatus == .idle { seen.exists = true }
    }

    /// Whether `qualified` ("schema"."table", quoted) names a table. Looked up by name in the catalog
    /// (`to_regclass`) rather than through the `pg_tables` view, whose planning was the costliest query of
    /// a run with nothing to do on a fresh session (about 3 ms of server time against dbmate's 16 ms session).
    static func tableExists(_ qualified: String, on connection: Connection) throws -> Bool {
        let result = try connection.query(
            "SELECT 1 FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass($1) AND relkind IN ('r', 'p')", [qualified])
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
        // `version` is the text as written; `version_order` its numeric parts without trailing zero parts,
        // which sort every layout's versions as the migrator does (Flyway's 1.9 before 1.10) and make 1 and
        // 1.0 one key.
        try connection.exec(
            """
            CREATE TABLE IF NOT EXISTS \(qualified) (
                version text NOT NULL,
                version_order numeric[] PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                state text NOT NULL CHECK (state IN ('applied', 'running')),
                applied_at timestamptz NOT NULL DEFAULT now(),
                execution_ms bigint NOT NULL DEFAULT 0,
                applied_by text NOT NULL
            )
            """)
        noteExists(true)
    }

    /// Every record, oldest version first; empty when the table does not exist yet. Reads a table of an
    /// earlier release (`version bigint`) as well, so that commands that take no lock need no upgrade.
    func records() throws -> [HistoryRecord] {
        guard try exists() else { return [] }
        let records = try connection.rows(
            """
            SELECT version::text, name, checksum, state,
                   to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS applied_at,
                   execution_ms, applied_by
            FROM \(qualified)
            """
        ) { row in
            // Every version the migrator records is one it parsed; anything else was written by hand.
            let text = row.string(0) ?? ""
            guard let version = MigrationVersion(parsing: text) else {
                throw MigratorError.usage(
                    "\(schema).\(table) records the version \"\(text)\", which is not a version (digits, in parts separated by . or _); "
                        + "correct that row by hand")
            }
            return HistoryRecord(
                version: version, name: row.string(1) ?? "", checksum: row.string(2) ?? "",
                state: HistoryRecord.State(rawValue: row.string(3) ?? "") ?? .running,
                appliedAt: row.string(4) ?? "", executionMs: Int(row.string(5) ?? "") ?? 0, appliedBy: row.string(6) ?? "")
        }
        return records.inVersionOrder
    }

    func insert(_ migration: Migration, state: HistoryRecord.State, executionMs: Int, appliedBy: String) throws {
        try connection.query(
            """
            INSERT INTO \(qualified) (version, version_order, name, checksum, state, execution_ms, applied_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [
                migration.version.recorded, migration.version.orderLiteral, migration.name, migration.checksum, state.rawValue,
                String(executionMs), appliedBy,
            ])
    }

    func markApplied(_ version: MigrationVersion, executionMs: Int) throws {
        try connection.query(
            "UPDATE \(qualified) SET state = 'applied', execution_ms = $2, applied_at = now() WHERE version_order = $1",
            [version.orderLiteral, String(executionMs)])
    }

    /// Changes only the state, keeping when and how long it was applied: `.running` while a down section
    /// runs outside a transaction, `.applied` again when nothing of it took effect.
    func setState(_ version: MigrationVersion, _ state: HistoryRecord.State) throws {
        try connection.query("UPDATE \(qualified) SET state = $2 WHERE version_order = $1", [version.orderLiteral, state.rawValue])
    }

    func updateChecksum(_ version: MigrationVersion, to checksum: String) throws {
        try connection.query("UPDATE \(qualified) SET checksum = $2 WHERE version_order = $1", [version.orderLiteral, checksum])
    }

    func delete(_ version: MigrationVersion) throws {
        try connection.query("DELETE FROM \(qualified) WHERE version_order = $1", [version.orderLiteral])
    }
}
