import Postgres

/// The history table as releases before Flyway's layout wrote it had `version bigint PRIMARY KEY`, which
/// cannot hold `2.0.1`. It is brought to today's shape in place: `version` becomes its text, and the new
/// `version_order numeric[]` (one part per number) becomes the primary key. Rows, checksums and times stay
/// as they are, so a database migrated by an earlier release reads exactly as before.
extension HistoryTable {
    /// Upgrades a table of an earlier release in one transaction; false when there was nothing to do (no
    /// table yet, or today's shape). Call while holding the migration lock: the migrator that waited for
    /// it finds the table upgraded and does nothing.
    func upgrade() throws -> Bool {
        guard try needsUpgrade() else { return false }
        try PostgresStore.transaction(connection, failed: { .database("upgrading \(schema).\(table) failed", $0) }) {
            let key = try connection.query(
                "SELECT conname FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'", [qualified]
            ).rows.first?[0]
            try connection.exec(
                "ALTER TABLE \(qualified) ALTER COLUMN version TYPE text USING version::text, ADD COLUMN version_order numeric[]")
            try connection.exec("UPDATE \(qualified) SET version_order = ARRAY[version::numeric]")
            try connection.exec("ALTER TABLE \(qualified) ALTER COLUMN version_order SET NOT NULL")
            if let key { try connection.exec("ALTER TABLE \(qualified) DROP CONSTRAINT \(try connection.quoteIdentifier(key))") }
            try connection.exec("ALTER TABLE \(qualified) ADD PRIMARY KEY (version_order)")
        }
        return true
    }

    /// Whether the table exists with `version` still the earlier releases' bigint: one round trip, since
    /// every locked command asks, which also tells `exists()` that the table is there.
    func needsUpgrade() throws -> Bool {
        let result = try connection.query(
            """
            SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) AS type
            FROM pg_catalog.pg_class c
            LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'version' AND NOT a.attisdropped
            WHERE c.oid = pg_catalog.to_regclass($1) AND c.relkind IN ('r', 'p')
            """, [qualified])
        noteExists(!result.rows.isEmpty)
        return result.value("type") == "bigint"
    }
}
