import Foundation
import TestSupport
import XCTest

/// `migrator adopt flyway`: a database Flyway migrated keeps its history, from `flyway_schema_history`
/// written the way Flyway writes it (clean, with undone and deleted versions, baselined, failed, edited
/// since); a failed or edited state is refused with what to check, and nothing is recorded then.
final class MigratorFlywayAdoptionTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    /// Versions that sort differently as strings; V1.1 with CRLF line endings, which Flyway's checksum ignores.
    let files: [(version: String, description: String, up: String)] = [
        ("1", "create_accounts", "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);\n"),
        ("1.1", "accounts_email_index", "-- unique emails\r\nCREATE UNIQUE INDEX accounts_email ON accounts (email);\r\n"),
        ("1.2", "create_orders", "CREATE TABLE orders (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts (id));\n"),
        ("1.10", "orders_total", "ALTER TABLE orders ADD COLUMN total_cents bigint NOT NULL DEFAULT 0;\n"),
        ("2", "create_invoices", "CREATE TABLE invoices (id bigserial PRIMARY KEY, order_id bigint REFERENCES orders (id));\n"),
    ]

    func script(_ version: String) -> String {
        let file = files.first { $0.version == version }!
        return "V\(file.version)__\(file.description).sql"
    }

    /// Flyway's checksum of a file, computed apart from the migrator: CRC-32 of its lines without line
    /// breaks or byte order mark, as a signed 32-bit integer.
    func flywayChecksum(_ name: String) throws -> String {
        let program = """
            import sys, zlib
            b = open(sys.argv[1], 'rb').read()
            b = b[3:] if b.startswith(b'\\xef\\xbb\\xbf') else b
            c = zlib.crc32(b.replace(b'\\r', b'').replace(b'\\n', b''))
            print(c - (1 << 32) if c >= 1 << 31 else c)
            """
        let r = try ProcessRunner.run("/usr/bin/python3", ["-c", program, f.directory + "/" + name], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The files, and `flyway_schema_history` as Flyway creates it on PostgreSQL with these rows
    /// (version, type, script, success; the checksum of the script's file, NULL where Flyway writes none),
    /// in installed_rank order; `schema` is the SQL of what those rows left in the database.
    func flywayDatabase(rows: [(version: String?, type: String, script: String, success: Bool)], schema: [String]) throws {
        for file in files { try f.write("V\(file.version)__\(file.description).sql", file.up) }
        try f.write("R__account_emails.sql", "CREATE OR REPLACE VIEW account_emails AS SELECT email FROM accounts;\n")
        try f.query(
            """
            CREATE TABLE "public"."flyway_schema_history" (
                "installed_rank" INT NOT NULL,
                "version" VARCHAR(50),
                "description" VARCHAR(200) NOT NULL,
                "type" VARCHAR(20) NOT NULL,
                "script" VARCHAR(1000) NOT NULL,
                "checksum" INTEGER,
                "installed_by" VARCHAR(100) NOT NULL,
                "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
                "execution_time" INTEGER NOT NULL,
                "success" BOOLEAN NOT NULL
            );
            ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
            CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");
            """)
        for (rank, row) in rows.enumerated() {
            let isFile = FileManager.default.fileExists(atPath: f.directory + "/" + row.script)
            let checksum = row.type.hasSuffix("BASELINE") || row.type == "DELETE" || !isFile ? "NULL" : try flywayChecksum(row.script)
            let description =
                row.type == "BASELINE"
                ? "<< Flyway Baseline >>"
                : row.script.split(separator: "__").last!.dropLast(4)
                    .replacingOccurrences(of: "_", with: " ")
            try f.query(
                """
                INSERT INTO flyway_schema_history
                    (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
                VALUES (\(rank + 1), \(row.version.map { "'\($0)'" } ?? "NULL"), '\(description)', '\(row.type)', '\(row.script)',
                        \(checksum), 'app', 12, \(row.success))
                """)
        }
        for sql in schema { try f.query(sql) }
    }

    var flywayRows: String {
        get throws {
            try f.query(
                "SELECT string_agg(coalesce(version, '-') || ':' || type || ':' || success, ',' ORDER BY installed_rank) FROM flyway_schema_history"
            )
        }
    }

    func testAFlywayDatabaseIsAdoptedAndOnlyWhatFlywayDidNotApplyRuns() throws {
        // V1.10 was applied and undone (Flyway Teams' undo); V1.3's file was removed and `flyway repair`
        // marked it deleted; the R__ view is Flyway's repeatable.
        try flywayDatabase(
            rows: [
                ("1", "SQL", script("1"), true), ("1.1", "SQL", script("1.1"), true), ("1.2", "SQL", script("1.2"), true),
                (nil, "SQL", "R__account_emails.sql", true), ("1.3", "SQL", "V1.3__orders_note.sql", true),
                ("1.10", "SQL", script("1.10"), true), ("1.10", "UNDO_SQL", "U1.10__orders_total.sql", true),
                ("1.3", "DELETE", "V1.3__orders_note.sql", true),
            ],
            schema: files.prefix(3).map(\.up) + ["CREATE VIEW account_emails AS SELECT email FROM accounts"])
        let before = try flywayRows
        for command in [["up"], ["status"], ["validate"]] {
            let r = try f.migrator(command)
            XCTAssertEqual(r.status, 3, "\(command): \(r.output)")
            XCTAssertTrue(
                r.stderr.contains("found Flyway's public.flyway_schema_history, with 3 applied versions, the newest 1.2"), r.stderr)
            XCTAssertTrue(r.stderr.contains("`migrator adopt flyway`"), r.stderr)
        }
        let dry = try f.migrator(["adopt", "flyway", "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.output)
        XCTAssertTrue(dry.stderr.contains("would record 3 migrations; 2 left for `migrator up`"), dry.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('migrator_history') IS NULL"), "t")

        let adopt = try f.migrator(["adopt", "flyway"])
        XCTAssertEqual(adopt.status, 0, adopt.output)
        XCTAssertEqual(try f.historyVersions(), ["1", "1.1", "1.2"])
        XCTAssertEqual(
            try f.query("SELECT DISTINCT split_part(applied_by, ' by ', 1) FROM migrator_history"),
            "adopted from flyway public.flyway_schema_history")
        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertTrue(up.stderr.contains("applied V1.10__orders_total (") && up.stderr.contains("applied V2__create_invoices ("), up.stderr)
        XCTAssertFalse(up.stderr.contains("applied V1__") || up.stderr.contains("applied V1.2__"), up.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1", "1.1", "1.2", "1.10", "2"])
        XCTAssertEqual(try flywayRows, before, "Flyway's table is only read")
        let again = try f.migrator(["adopt", "flyway"])
        XCTAssertEqual(again.status, 64, again.output)
    }

    func testABaselinedDatabaseCountsEverythingUpToTheBaselineAsApplied() throws {
        // `flyway baseline` at 1.1 on a database that already had those tables; the files up to it never ran
        // through Flyway, so their checksums are not compared.
        try flywayDatabase(
            rows: [("1.1", "BASELINE", "<< Flyway Baseline >>", true), ("1.2", "SQL", script("1.2"), true)],
            schema: files.prefix(3).map(\.up))
        try f.write(script("1"), "-- written after the fact\n" + files[0].up)
        let adopt = try f.migrator(["adopt", "flyway"])
        XCTAssertEqual(adopt.status, 0, adopt.output)
        XCTAssertTrue(adopt.stderr.contains("baselined at 1.1"), adopt.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1", "1.1", "1.2"])
        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertEqual(try f.historyVersions(), ["1", "1.1", "1.2", "1.10", "2"])
        XCTAssertEqual(try f.migrator(["validate"]).status, 0)
    }

    func testAFailedFlywayMigrationIsRefusedWithWhatToCheck() throws {
        try flywayDatabase(
            rows: [("1", "SQL", script("1"), true), ("1.1", "SQL", script("1.1"), false)], schema: [files[0].up])
        let adopt = try f.migrator(["adopt", "flyway"])
        XCTAssertEqual(adopt.status, 3, adopt.output)
        XCTAssertTrue(
            adopt.stderr.contains(
                "public.flyway_schema_history records 1.1 (V1.1__accounts_email_index.sql) as failed (success = false)"), adopt.stderr)
        XCTAssertTrue(adopt.stderr.contains("`flyway repair`"), adopt.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('migrator_history') IS NULL"), "t", "nothing was recorded")
    }

    func testAFileEditedSinceFlywayAppliedItIsRefused() throws {
        try flywayDatabase(
            rows: [("1", "SQL", script("1"), true), ("1.1", "SQL", script("1.1"), true)], schema: files.prefix(2).map(\.up))
        let recorded = try flywayChecksum(script("1.1"))
        // Line endings are not an edit to Flyway, nor to the migrator.
        try f.write(script("1"), files[0].up.replacingOccurrences(of: "\n", with: "\r\n"))
        try f.write(script("1.1"), "CREATE UNIQUE INDEX accounts_email ON accounts (lower(email));\n")
        let adopt = try f.migrator(["adopt", "flyway"])
        XCTAssertEqual(adopt.status, 3, adopt.output)
        XCTAssertTrue(
            adopt.stderr.contains(
                "\(f.directory)/V1.1__accounts_email_index.sql was edited after Flyway applied it: its Flyway checksum is \(try flywayChecksum(script("1.1"))), public.flyway_schema_history records \(recorded)"
            ), adopt.stderr)
        XCTAssertFalse(adopt.stderr.contains("V1__create_accounts.sql was edited"), adopt.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('migrator_history') IS NULL"), "t", "nothing was recorded")
    }

    func testTheHelpTeachesFlyway() throws {
        let adopt = try f.migrator(["adopt", "--help"])
        XCTAssertEqual(adopt.status, 0)
        for line in [
            "golang-migrate|dbmate|goose|prisma|flyway", "flyway_schema_history: each version whose last row is a", "`flyway repair`",
        ] {
            XCTAssertTrue(adopt.stdout.contains(line), "missing \(line):\n\(adopt.stdout)")
        }
        let help = try f.migrator(["--help"])
        XCTAssertTrue(help.stdout.contains("V<version>__NAME.sql, and optionally U<version>__NAME.sql (Flyway; undo)"), help.stdout)
    }
}
