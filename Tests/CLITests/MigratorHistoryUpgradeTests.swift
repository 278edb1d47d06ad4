import Foundation
import TestSupport
import XCTest

/// A database migrated by the release before Flyway's layout, whose history table keeps `version bigint`:
/// the first migrator that takes the lock upgrades it in place, once, and everything keeps working.
final class MigratorHistoryUpgradeTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    /// The history table exactly as the release before this change creates it (HistoryTable.create at
    /// 3456958): kept here as it was, since that is what databases in the field hold.
    static func releaseTable(_ qualified: String) -> String {
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
        """
    }

    /// Versions 9 and 10 sort differently as text: the upgrade must keep them in number order.
    let files: [(version: Int, name: String, up: String, down: String)] = [
        (1, "create_accounts", "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);\n", "DROP TABLE accounts;\n"),
        (2, "accounts_name", "ALTER TABLE accounts ADD COLUMN name text;\n", "ALTER TABLE accounts DROP COLUMN name;\n"),
        (
            9, "create_orders", "CREATE TABLE orders (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts (id));\n",
            "DROP TABLE orders;\n"
        ),
        (
            10, "orders_total", "ALTER TABLE orders ADD COLUMN total_cents bigint NOT NULL DEFAULT 0;\n",
            "ALTER TABLE orders DROP COLUMN total_cents;\n"
        ),
    ]

    /// The files, their schema, and the release's table with the rows its HistoryTable.insert wrote: the
    /// version, the name, the SHA-256 of the up file, `applied`, the time it took and who applied it.
    func releaseDatabase(schema: String = "public", table: String = "migrator_history") throws {
        for m in files {
            try f.write(String(format: "%04d_%@.up.sql", m.version, m.name), m.up)
            try f.write(String(format: "%04d_%@.down.sql", m.version, m.name), m.down)
            try f.query(m.up)
        }
        if schema != "public" { try f.query("CREATE SCHEMA \(schema)") }
        try f.query(Self.releaseTable("\(schema).\(table)"))
        for (i, m) in files.enumerated() {
            let up = m.up.replacingOccurrences(of: "'", with: "''")
            try f.query(
                """
                INSERT INTO \(schema).\(table) (version, name, checksum, state, execution_ms, applied_by, applied_at)
                VALUES (\(m.version), '\(m.name)', encode(sha256(convert_to('\(up)', 'UTF8')), 'hex'), 'applied', \(3 + i), 'deploy',
                        '2026-11-0\(i + 1) 10:00:00+00')
                """)
        }
    }

    func rows(_ qualified: String) throws -> String {
        try f.query(
            "SELECT string_agg(version || ' ' || name || ' ' || checksum || ' ' || state || ' ' || execution_ms || ' ' || applied_at, E'\\n' ORDER BY version::bigint) FROM \(qualified)"
        )
    }

    func columns(_ schema: String, _ table: String) throws -> String {
        try f.query(
            """
            SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attname)
            FROM pg_attribute a WHERE a.attrelid = '\(schema).\(table)'::regclass AND a.attnum > 0 AND NOT a.attisdropped
            """)
    }

    func primaryKey(_ qualified: String) throws -> String {
        try f.query("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '\(qualified)'::regclass AND contype = 'p'")
    }

    func testATableOfTheReleaseIsUpgradedOnceAndTheDatabaseKeepsWorking() throws {
        try releaseDatabase()
        let before = try rows("migrator_history")
        let schemaBefore = try f.query("SELECT count(*) FROM information_schema.columns WHERE table_name IN ('accounts', 'orders')")

        // Commands that take no lock read the release's table as it is, and change nothing.
        let status = try f.migrator(["status"])
        XCTAssertEqual(status.status, 0, status.output)
        XCTAssertEqual(
            status.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ").first.map(String.init) ?? "" },
            ["0001", "0002", "0009", "0010"])
        XCTAssertFalse(status.stdout.contains("pending") || status.stdout.contains("changed"), status.stdout)
        XCTAssertEqual(try f.migrator(["validate"]).status, 0)
        XCTAssertTrue(try columns("public", "migrator_history").contains("version bigint"), "status and validate do not upgrade")

        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertTrue(up.stderr.contains("upgraded public.migrator_history"), up.stderr)
        XCTAssertTrue(up.stderr.contains("nothing to apply; the database is at version 10"), up.stderr)
        XCTAssertEqual(
            try columns("public", "migrator_history"),
            "applied_at timestamp with time zone, applied_by text, checksum text, execution_ms bigint, name text, state text, version text, version_order numeric[]"
        )
        XCTAssertEqual(try primaryKey("migrator_history"), "PRIMARY KEY (version_order)")
        XCTAssertEqual(try rows("migrator_history"), before, "rows, checksums and times are unchanged")
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "9", "10"])

        let again = try f.migrator(["up"])
        XCTAssertEqual(again.status, 0, again.output)
        XCTAssertFalse(again.stderr.contains("upgraded"), "a second run does nothing: \(again.stderr)")
        XCTAssertEqual(try rows("migrator_history"), before)

        let json = try f.migrator(["status", "--output", "json"])
        let entries =
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])["migrations"] as? [[String: Any]]
        XCTAssertEqual(entries?.map { $0["version"] as? Int }, [1, 2, 9, 10])
        XCTAssertEqual(entries?.map { $0["state"] as? String }, ["applied", "applied", "applied", "applied"])

        // New migrations apply after the upgraded ones; down goes back in number order: 11, then 10, not 9.
        try f.write("0011_orders_note.up.sql", "ALTER TABLE orders ADD COLUMN note text;\n")
        try f.write("0011_orders_note.down.sql", "ALTER TABLE orders DROP COLUMN note;\n")
        let next = try f.migrator(["up"])
        XCTAssertEqual(next.status, 0, next.output)
        XCTAssertTrue(next.stderr.contains("applied 0011_orders_note"), next.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "9", "10", "11"])
        let down = try f.migrator(["down", "--steps", "2"])
        XCTAssertEqual(down.status, 0, down.output)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "9"])
        XCTAssertEqual(
            try f.query(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name IN ('note', 'total_cents')"),
            "0")
        XCTAssertEqual(try f.migrator(["down", "--all"]).status, 0)
        XCTAssertEqual(try f.query("SELECT count(*) FROM migrator_history"), "0")
        XCTAssertEqual(try f.query("SELECT to_regclass('accounts') IS NULL"), "t")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        XCTAssertEqual(
            try f.query("SELECT count(*) FROM information_schema.columns WHERE table_name IN ('accounts', 'orders')"),
            String(Int(schemaBefore)! + 1))
    }

    func testATableInItsOwnSchemaAndNameIsUpgradedWhereItIs() throws {
        try releaseDatabase(schema: "audit", table: "schema_versions")
        let before = try rows("audit.schema_versions")
        let location = ["--schema", "audit", "--table", "schema_versions"]
        let up = try f.migrator(["up"] + location)
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertTrue(up.stderr.contains("upgraded audit.schema_versions"), up.stderr)
        XCTAssertEqual(try primaryKey("audit.schema_versions"), "PRIMARY KEY (version_order)")
        XCTAssertEqual(try rows("audit.schema_versions"), before)
        XCTAssertEqual(try f.query("SELECT to_regclass('public.migrator_history') IS NULL"), "t", "no second history table")
        let down = try f.migrator(["down"] + location)
        XCTAssertEqual(down.status, 0, down.output)
        XCTAssertEqual(try f.query("SELECT string_agg(version, ',' ORDER BY version_order) FROM audit.schema_versions"), "1,2,9")
    }

    /// Two migrators start at once on a release's table: one upgrades under the lock, the other finds it done.
    func testTwoMigratorsStartingAtOnceUpgradeItOnce() throws {
        try releaseDatabase()
        try f.write("0011_orders_note.up.sql", "ALTER TABLE orders ADD COLUMN note text;\n")
        let before = try rows("migrator_history")
        let processes = try (0..<2).map { _ in try f.start(["up"]) }
        let results = processes.map { $0.wait(timeout: 60) }
        for r in results { XCTAssertEqual(r.status, 0, r.output) }
        XCTAssertEqual(results.filter { $0.stderr.contains("upgraded public.migrator_history") }.count, 1, results.map(\.stderr).joined())
        XCTAssertEqual(results.filter { $0.stderr.contains("applied 0011_orders_note") }.count, 1, results.map(\.stderr).joined())
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "9", "10", "11"])
        XCTAssertTrue(try rows("migrator_history").hasPrefix(before + "\n"), "the release's rows are as they were")
    }
}
