import Foundation
import TestSupport
import XCTest

final class MigratorTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    func testEightConcurrentMigratorsApplyFiftyMigrationsExactlyOnce() throws {
        try f.write("1_ran.sql", "-- migrate:up\nCREATE TABLE ran (version int NOT NULL);\nINSERT INTO ran VALUES (1);\n")
        for i in 2...50 {
            try f.write("\(i)_t\(i).up.sql", "CREATE TABLE t\(i) (id int);\nINSERT INTO ran VALUES (\(i));\n")
        }
        let processes = try (0..<8).map { _ in try f.start(["up"]) }
        let results = processes.map { $0.wait(timeout: 120) }
        for (i, r) in results.enumerated() {
            XCTAssertEqual(r.status, 0, "migrator \(i): \(r.stderr)")
        }
        XCTAssertEqual(try f.query("SELECT count(*), count(DISTINCT version) FROM ran"), "50|50")
        XCTAssertEqual(try f.query("SELECT count(*) FROM migrator_history WHERE state = 'applied'"), "50")
        let appliedLines = results.map {
            $0.stderr.components(separatedBy: "\n").filter { $0.hasPrefix("applied ") && $0.contains(" ms)") }.count
        }
        XCTAssertEqual(appliedLines.reduce(0, +), 50, "each migration is reported applied by exactly one process")
    }

    func testKillDuringALongTransactionalMigrationRecordsNothing() throws {
        try f.write("1_base.up.sql", "CREATE TABLE base (id int);\n")
        // Sleeps only for the first, doomed run (told apart by its application_name).
        try f.write(
            "2_slow.up.sql",
            """
            CREATE TABLE slow (id int);
            SELECT pg_sleep(CASE WHEN current_setting('application_name') = 'doomed' THEN 60 ELSE 0 END);
            """)
        let doomed = try ProcessRunner.start(
            Paths.executable("migrator"), ["up"],
            extraEnvironment: ["DATABASE_URL": f.url, "MIGRATIONS_DIR": f.directory, "PGAPPNAME": "doomed"])
        var sleeping = false
        for _ in 0..<150 where !sleeping {
            sleeping =
                try f.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'doomed' AND query LIKE '%pg_sleep%' AND state = 'active'"
                ) == "1"
            if !sleeping { usleep(100_000) }
        }
        XCTAssertTrue(sleeping, "the slow migration never started")
        doomed.signal(SIGKILL)
        _ = doomed.wait(timeout: 10)
        XCTAssertEqual(try f.historyVersions(), ["1"])
        XCTAssertEqual(try f.query("SELECT to_regclass('slow') IS NULL"), "t")
        let next = try f.migrator(["up", "--lock-wait", "20s"], timeout: 60)
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1", "2"])
        XCTAssertEqual(try f.query("SELECT to_regclass('slow') IS NOT NULL"), "t")
    }

    func testFailingMigrationReportsFileLineColumnAndChangesNothing() throws {
        try f.write("1_ok.up.sql", "CREATE TABLE ok (id int);\n")
        try f.write("2_bad.up.sql", "CREATE TABLE half (id int);\n\nINSERT INTO half SELECT id FROM missing_table;\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("2_bad.up.sql:3:33"), r.stderr)
        XCTAssertTrue(r.stderr.contains("42P01"), r.stderr)
        XCTAssertTrue(r.stderr.contains("relation \"missing_table\" does not exist"), r.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1"])
        XCTAssertEqual(try f.query("SELECT to_regclass('half') IS NULL"), "t", "the failed migration's first statement was rolled back")
    }

    func testFailingSectionOfADbmateFileMapsToItsLineInTheFile() throws {
        try f.write(
            "1_x.sql", "-- a header comment\n-- migrate:up\nCREATE TABLE x (id int);\nSELECT nope FROM x;\n-- migrate:down\nDROP TABLE x;\n"
        )
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("1_x.sql:4:8"), r.stderr)
        XCTAssertTrue(r.stderr.contains("42703"), r.stderr)
    }

    /// Errors that happen while a statement runs carry no position; the statement is found from the results
    /// the server sent before the error, in every layout and in rollbacks too.
    func testAFailureWithoutAPositionNamesTheLineOfItsStatement() throws {
        let cases: [(name: String, file: String, text: String, command: [String], place: String)] = [
            (
                "up/down layout, the statement after a DO block", "1_dup.up.sql",
                "CREATE TABLE dup (id int);\nDO $$ BEGIN PERFORM 1; END $$;\n-- again\nCREATE TABLE dup (id int);\n",
                ["up"], "1_dup.up.sql:4\n"
            ),
            (
                "wrapped in BEGIN/COMMIT", "1_wrapped.up.sql",
                "BEGIN;\nCREATE TABLE w (id int PRIMARY KEY);\nINSERT INTO w VALUES (1);\n\nINSERT INTO w VALUES (1);\nCOMMIT;\n",
                ["up"], "1_wrapped.up.sql:5\n"
            ),
            (
                "dbmate section", "1_d.sql",
                "-- migrate:up\nCREATE TABLE d (id int NOT NULL);\nINSERT INTO d VALUES (1);\nINSERT INTO d VALUES (NULL);\n-- migrate:down\nDROP TABLE d;\n",
                ["up"], "1_d.sql:4\n"
            ),
        ]
        for c in cases {
            f.tearDown()
            f = try MigratorFixture()
            try f.write(c.file, c.text)
            let r = try f.migrator(c.command)
            XCTAssertEqual(r.status, 1, "\(c.name): \(r.output)")
            XCTAssertTrue(r.stderr.contains(c.place), "\(c.name): \(r.stderr)")
            XCTAssertEqual(try f.historyVersions(), [], c.name)
        }
        // A down section in a transaction: its rollback is undone and the migration stays applied.
        try f.write("2_e.up.sql", "CREATE TABLE e (id int);\n")
        try f.write("2_e.down.sql", "DROP TABLE e;\nDROP TABLE e;\n")
        try f.remove("1_d.sql")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        let down = try f.migrator(["down"])
        XCTAssertEqual(down.status, 1, down.output)
        XCTAssertTrue(down.stderr.contains("2_e.down.sql:2\n"), down.stderr)
        XCTAssertEqual(try f.historyVersions(), ["2"])
        XCTAssertEqual(try f.query("SELECT to_regclass('e') IS NOT NULL"), "t")
    }

    func testCreateIndexConcurrentlyOutsideATransaction() throws {
        try f.write("1_t.up.sql", "CREATE TABLE t (a int, b int);\nINSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;\n")
        try f.write(
            "2_idx.up.sql", "-- migrator:no-transaction\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nCREATE INDEX CONCURRENTLY t_b ON t (b);\n"
        )
        try f.write("2_idx.down.sql", "-- migrator:no-transaction\nDROP INDEX CONCURRENTLY t_a;\nDROP INDEX CONCURRENTLY t_b;\n")
        try f.write(
            "3_idx2.sql",
            "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY t_ab ON t (a, b);\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY t_ab;\n"
        )
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(
            try f.query(
                "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname IN ('t_a','t_b','t_ab') AND i.indisvalid"
            ), "3")
        XCTAssertEqual(try f.query("SELECT string_agg(state, ',' ORDER BY version_order) FROM migrator_history"), "applied,applied,applied")
        let down = try f.migrator(["down", "--steps", "2"])
        XCTAssertEqual(down.status, 0, down.stderr)
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_class WHERE relname IN ('t_a','t_b','t_ab')"), "0")
    }

    func testANoTransactionMigrationThatFailsIsLeftRunningAndUpRefusesWithTheRepairCommand() throws {
        try f.write("1_t.up.sql", "CREATE TABLE t (a int);\n")
        try f.write(
            "2_idx.up.sql",
            "-- migrator:no-transaction\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nCREATE INDEX CONCURRENTLY t_z ON t (zzz);\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("2_idx.up.sql:3"), r.stderr)
        XCTAssertEqual(try f.query("SELECT state FROM migrator_history WHERE version = '2'"), "running")
        let again = try f.migrator(["up"])
        XCTAssertEqual(again.status, 3)
        XCTAssertTrue(again.stderr.contains("migrator repair --version 2 --mark applied"), again.stderr)
        XCTAssertEqual(try f.migrator(["validate"]).status, 3)
        // The person fixes the file and undoes what ran, then tells the migrator.
        try f.query("DROP INDEX t_a")
        try f.write("2_idx.up.sql", "-- migrator:no-transaction\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n")
        let repair = try f.migrator(["repair", "--version", "2", "--mark", "pending"])
        XCTAssertEqual(repair.status, 0, repair.stderr)
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        XCTAssertEqual(try f.query("SELECT state FROM migrator_history WHERE version = '2'"), "applied")
    }

    func testDollarQuotedFunctionWithSemicolons() throws {
        let function = """
            CREATE FUNCTION add_tax(amount numeric) RETURNS numeric AS $body$
            DECLARE rate numeric := 0.2;
            BEGIN
              IF amount < 0 THEN RAISE EXCEPTION 'negative; amount'; END IF;
              RETURN amount * (1 + rate);
            END;
            $body$ LANGUAGE plpgsql;
            DO $$ BEGIN PERFORM add_tax(1); END $$;
            """
        try f.write("1_fn.up.sql", function + "\n")
        try f.write("2_fn2.up.sql", "-- migrator:no-transaction\n" + function.replacingOccurrences(of: "add_tax", with: "add_tax2") + "\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try f.query("SELECT add_tax(10), add_tax2(100)"), "12.0|120.0")
    }

    func testSQLStandardFunctionBodiesAreNotMistakenForTransactionControl() throws {
        let function = """
            CREATE FUNCTION sign_of(i int) RETURNS int LANGUAGE sql
            BEGIN ATOMIC
              SELECT CASE WHEN i < 0 THEN -1 WHEN i = 0 THEN 0 ELSE 1 END;
            END;
            CREATE OR REPLACE PROCEDURE log_it(m text) LANGUAGE sql
            BEGIN ATOMIC
              INSERT INTO log VALUES (m);
              INSERT INTO log VALUES (m || '; again');
            END;
            """
        try f.write("1_log.up.sql", "CREATE TABLE log (m text);\n")
        try f.write("2_fn.up.sql", function + "\nCALL log_it('tx');\n")
        try f.write(
            "3_fn2.up.sql",
            "-- migrator:no-transaction\n"
                + function.replacingOccurrences(of: "sign_of", with: "sign_of2")
                .replacingOccurrences(of: "PROCEDURE log_it", with: "PROCEDURE log_it2") + "\nCALL log_it2('no-tx');\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try f.query("SELECT sign_of(-5), sign_of2(7)"), "-1|1")
        XCTAssertEqual(try f.query("SELECT string_agg(m, ',' ORDER BY m) FROM log"), "no-tx,no-tx; again,tx,tx; again")
    }

    func testUpDownAllUpLeavesAnIdenticalSchema() throws {
        try f.write(
            "1_users.sql",
            "-- migrate:up\nCREATE TABLE users (id bigserial PRIMARY KEY, email text UNIQUE NOT NULL);\n-- migrate:down\nDROP TABLE users;\n"
        )
        try f.write(
            "2_orders.up.sql",
            "CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users, total numeric(10,2));\nCREATE INDEX orders_user ON orders (user_id);\n"
        )
        try f.write("2_orders.down.sql", "DROP TABLE orders;\n")
        try f.write(
            "3_view.up.sql",
            "CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;\nCREATE TYPE status AS ENUM ('new', 'paid');\n")
        try f.write("3_view.down.sql", "DROP VIEW big_orders;\nDROP TYPE status;\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        let first = try dump()
        let down = try f.migrator(["down", "--all"])
        XCTAssertEqual(down.status, 0, down.stderr)
        XCTAssertEqual(try f.historyVersions(), [])
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrator_history'"), "0")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        XCTAssertEqual(try dump(), first)
        XCTAssertTrue(first.contains("CREATE TABLE public.orders"))
    }

    private func dump() throws -> String {
        let r = try ProcessRunner.run("/usr/lib/postgresql/15/bin/pg_dump", ["--schema-only", "--no-owner", "-d", f.url])
        XCTAssertEqual(r.status, 0, r.stderr)
        // pg_dump 15.14+ brackets its output with \restrict and \unrestrict and a random key.
        return r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }
            .joined(separator: "\n")
    }

    func testDownRefusesBeforeTouchingAnythingWhenADownIsMissing() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("1_a.down.sql", "DROP TABLE a;\n")
        try f.write("2_b.up.sql", "CREATE TABLE b (id int);\n")
        try f.write("3_c.up.sql", "CREATE TABLE c (id int);\n")
        try f.write("3_c.down.sql", "DROP TABLE c;\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        let r = try f.migrator(["down", "--all"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("no down migration for 2_b"), r.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "3"])
        XCTAssertEqual(try f.query("SELECT to_regclass('c') IS NOT NULL"), "t")
        // One step is possible; --to 2 too; --dry-run changes nothing.
        XCTAssertEqual(try f.migrator(["down", "--to", "2", "--dry-run"]).status, 0)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "3"])
        XCTAssertEqual(try f.migrator(["down", "--to", "2"]).status, 0)
        XCTAssertEqual(try f.historyVersions(), ["1", "2"])
    }

    func testUpToDryRunAndOutOfOrder() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("3_c.up.sql", "CREATE TABLE c (id int);\n")
        let dry = try f.migrator(["up", "--dry-run"])
        XCTAssertEqual(dry.status, 0)
        XCTAssertTrue(dry.stderr.contains("would apply 1_a") && dry.stderr.contains("would apply 3_c"), dry.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('migrator_history') IS NULL"), "t")
        XCTAssertEqual(try f.migrator(["up", "--to", "1"]).status, 0)
        XCTAssertEqual(try f.historyVersions(), ["1"])
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        try f.write("2_b.up.sql", "CREATE TABLE b (id int);\n")
        let refused = try f.migrator(["up"])
        XCTAssertEqual(refused.status, 3)
        XCTAssertTrue(refused.stderr.contains("--allow-out-of-order"), refused.stderr)
        XCTAssertEqual(try f.migrator(["up", "--allow-out-of-order"]).status, 0)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "3"])
    }

    func testValidateCatchesEachKindOfDrift() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("2_b.up.sql", "CREATE TABLE b (id int);\n")
        try f.write("4_d.up.sql", "CREATE TABLE d (id int);\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        XCTAssertEqual(try f.migrator(["validate"]).status, 0)

        try f.write("1_a.up.sql", "CREATE TABLE a (id bigint);\n")
        var r = try f.migrator(["validate"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("1_a: the file changed"), r.stderr)
        XCTAssertEqual(try f.migrator(["up"]).status, 3, "up refuses an edited applied migration")
        XCTAssertEqual(try f.migrator(["repair", "--version", "1", "--accept-checksum"]).status, 0)
        XCTAssertEqual(try f.migrator(["validate"]).status, 0)

        try f.remove("2_b.up.sql")
        r = try f.migrator(["validate"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("2_b: applied, but its file is missing"), r.stderr)
        try f.write("2_b.up.sql", "CREATE TABLE b (id int);\n")

        try f.write("3_c.up.sql", "CREATE TABLE c (id int);\n")
        r = try f.migrator(["validate"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("3_c: pending, but older"), r.stderr)
        try f.remove("3_c.up.sql")

        try f.query(
            "INSERT INTO migrator_history (version, version_order, name, checksum, state, applied_by) VALUES ('5', '{5}', 'e', 'x', 'running', 'test')"
        )
        r = try f.migrator(["validate"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("5_e: left running"), r.stderr)
    }

    func testBaselineRecordsWithoutRunning() throws {
        try f.query("CREATE TABLE legacy (id int); CREATE TABLE legacy2 (id int)")
        try f.write("1_legacy.up.sql", "CREATE TABLE legacy (id int);\n")
        try f.write("2_legacy2.up.sql", "CREATE TABLE legacy2 (id int);\n")
        try f.write("3_new.up.sql", "CREATE TABLE fresh (id int);\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 1, "without a baseline, 1 fails: legacy exists")
        let b = try f.migrator(["baseline", "--version", "2"])
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertEqual(
            try f.query(
                "SELECT string_agg(version || ':' || state || ':' || execution_ms, ',' ORDER BY version_order) FROM migrator_history"),
            "1:applied:0,2:applied:0")
        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "3"])
    }

    func testStatusTableAndJSON() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("2_b.up.sql", "CREATE TABLE b (id int);\n")
        XCTAssertEqual(try f.migrator(["up", "--to", "1"]).status, 0)
        let text = try f.migrator(["status"])
        XCTAssertEqual(text.status, 0)
        let lines = text.stdout.split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("VERSION"))
        XCTAssertTrue(lines[1].contains("applied"))
        XCTAssertTrue(lines[2].contains("pending"))
        let json = try f.migrator(["status", "--output", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let entries = object["migrations"] as! [[String: Any]]
        XCTAssertEqual(entries.map { $0["state"] as! String }, ["applied", "pending"])
        XCTAssertEqual(entries.map { $0["version"] as! Int }, [1, 2])
    }

    /// Columns line up by Character, with names of several widths, ASCII and not.
    func testStatusTableAlignsItsColumns() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("2_crème_brûlée_menu.up.sql", "CREATE TABLE b (id int);\n")
        try f.write("10_add_a_much_longer_name.up.sql", "CREATE TABLE c (id int);\n")
        XCTAssertEqual(try f.migrator(["up", "--to", "2"]).status, 0)
        let text = try f.migrator(["status"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, text.stdout)
        for heading in ["NAME", "STATE", "APPLIED AT", "DURATION"] {
            let column = try XCTUnwrap(lines[0].range(of: heading)).lowerBound
            let offset = lines[0].distance(from: lines[0].startIndex, to: column)
            for line in lines.dropFirst() {
                let cell = line.index(line.startIndex, offsetBy: offset)
                XCTAssertNotEqual(line[cell], " ", "\(heading) does not start at \(offset) in: \(line)")
                XCTAssertEqual(line[line.index(before: cell)], " ", "\(heading) does not start at \(offset) in: \(line)")
            }
        }
        XCTAssertTrue(lines[2].contains("crème_brûlée_menu") && lines[2].contains("applied"), lines[2])
        XCTAssertTrue(lines[3].hasSuffix("-"), lines[3])
    }

    func testAppliedByRecordsTheUserAndTheECSTaskARN() throws {
        // A stand-in for the ECS task metadata endpoint v4.
        let server = try ProcessRunner.start(
            "/usr/bin/python3",
            [
                "-c",
                """
                import http.server, json
                class H(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        body = json.dumps({"TaskARN": "arn:aws:ecs:us-east-1:123456789012:task/c/abc123"}).encode()
                        self.send_response(200 if self.path.endswith('/task') else 404); self.end_headers(); self.wfile.write(body)
                    def log_message(self, *a): pass
                s = http.server.HTTPServer(("127.0.0.1", 0), H); print(s.server_address[1], flush=True)
                s.timeout = 30; s.handle_request()
                """,
            ])
        var port = ""
        for _ in 0..<100 where port.isEmpty { port = server.currentStdout.trimmingCharacters(in: .whitespacesAndNewlines); usleep(50_000) }
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        let r = try f.migrator(["up"], environment: ["ECS_CONTAINER_METADATA_URI_V4": "http://127.0.0.1:\(port)/v4/abc"])
        _ = server.wait(timeout: 5)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try f.query("SELECT applied_by FROM migrator_history"), "postgres arn:aws:ecs:us-east-1:123456789012:task/c/abc123")
    }

    func testBadMigrationFilesExit64AndApplyNothing() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("x_bad.sql", "nope")
        try f.write("2_b.down.sql", "DROP TABLE b;")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("x_bad.sql") && r.stderr.contains("2_b.down.sql"), r.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('a') IS NULL"), "t")
    }

    func testLockWaitTimesOutWithExit4AndNamesTheHolder() throws {
        try f.write("1_slow.up.sql", "SELECT pg_sleep(CASE WHEN current_setting('application_name') = 'holder' THEN 8 ELSE 0 END);\n")
        let holder = try f.start(["up"], environment: ["PGAPPNAME": "holder"])
        XCTAssertTrue(
            f.waitUntil(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND a.application_name = 'holder'",
                is: "1"))
        let r = try f.migrator(["up", "--lock-wait", "2s"])
        XCTAssertEqual(r.status, 4, r.stderr)
        XCTAssertTrue(r.stderr.contains("application holder"), r.stderr)
        XCTAssertTrue(r.stderr.contains("held by pid"), r.stderr)
        XCTAssertEqual(holder.wait(timeout: 30).status, 0)
    }

    func testStatementTimeoutCancelsALongMigrationAndRecordsNothing() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("2_slow.up.sql", "CREATE TABLE b (id int);\nSELECT pg_sleep(30);\n")
        let r = try f.migrator(["up", "--statement-timeout", "500ms"], timeout: 25)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertFalse(r.timedOut)
        XCTAssertTrue(r.stderr.contains("57014") && r.stderr.contains("statement timeout"), r.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1"])
        XCTAssertEqual(try f.query("SELECT to_regclass('b') IS NULL"), "t")
    }

    func testLockTimeoutGivesUpBehindAnotherSessionsLock() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        // Another session holds a lock on the table, as production traffic might.
        let holder = try ProcessRunner.start(
            "/usr/bin/psql", ["-X", "-q", f.url, "-c", "BEGIN; LOCK TABLE a; SELECT pg_sleep(20); COMMIT;"],
            extraEnvironment: ["PGAPPNAME": "lock-holder"])
        defer {
            holder.signal(SIGTERM);
            _ = try? f.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lock-holder'")
        }
        var holding = false
        for _ in 0..<100 where !holding {
            holding =
                try f.query(
                    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.relation = 'a'::regclass AND l.granted AND a.application_name = 'lock-holder'"
                ) == "1"
            if !holding { usleep(100_000) }
        }
        XCTAssertTrue(holding)
        try f.write("2_alter.up.sql", "ALTER TABLE a ADD COLUMN name text;\n")
        let r = try f.migrator(["up", "--lock-timeout", "300ms"], timeout: 15)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("55P03") && r.stderr.contains("lock timeout"), r.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1"])
    }

    func testHistoryTableAndSchemaAreChosenAndTheSessionIsNamedMigrator() throws {
        try f.write("1_app.up.sql", "CREATE TABLE app (name text);\nINSERT INTO app VALUES (current_setting('application_name'));\n")
        let location = ["--schema", "audit", "--table", "schema_versions"]
        let r = try f.migrator(["up"] + location)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try f.query("SELECT version FROM audit.schema_versions"), "1")
        XCTAssertEqual(try f.query("SELECT to_regclass('migrator_history') IS NULL"), "t")
        XCTAssertEqual(try f.query("SELECT name FROM app"), "migrator")
        let status = try f.migrator(["status", "--output", "json"] + location)
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("\"applied\""), status.stdout)
        // The default location knows nothing of it, so the same file is pending there.
        let elsewhere = try f.migrator(["status", "--output", "json"])
        XCTAssertTrue(elsewhere.stdout.contains("\"pending\""), elsewhere.stdout)
    }

    func testEachMigrationStartsFromTheSameSessionSettings() throws {
        // A role that may not write the history table: the history row is written as the migrator's own.
        let role = "limited_" + f.database
        try f.query("CREATE ROLE \(role) NOLOGIN")
        defer { _ = try? f.query("DROP ROLE IF EXISTS \(role)") }
        try f.write(
            "1_reporting.up.sql",
            "CREATE SCHEMA reporting;\nSET search_path TO reporting;\nCREATE TABLE report (id int);\nSET statement_timeout = 100;\nSET ROLE \(role);\n"
        )
        try f.write("2_orders.up.sql", "CREATE TABLE orders (id int);\nSELECT pg_sleep(0.3);\n")
        try f.write("3_seen.up.sql", "CREATE TABLE seen AS SELECT current_setting('statement_timeout') AS timeout, current_user AS who;\n")
        let r = try f.migrator(["up", "--statement-timeout", "5s"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('public.orders') IS NOT NULL, to_regclass('reporting.report') IS NOT NULL"), "t|t")
        XCTAssertEqual(try f.query("SELECT timeout, who = session_user FROM public.seen"), "5s|t")
    }

    func testANoTransactionMigrationThatLeavesATransactionOpenFails() throws {
        try f.write("1_a.up.sql", "-- migrator:no-transaction\nCREATE TABLE a (id int);\nBEGIN;\nCREATE TABLE b (id int);\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("leaves a transaction open"), r.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('a') IS NOT NULL, to_regclass('b') IS NULL"), "t|t")
        XCTAssertEqual(try f.query("SELECT state FROM migrator_history WHERE version = '1'"), "running")
    }

    func testCopyFromStdinOrToStdoutFailsClearlyAndRollsBack() throws {
        try f.write("1_in.up.sql", "CREATE TABLE c (x int);\nCOPY c FROM stdin;\n")
        let copyIn = try f.migrator(["up"])
        XCTAssertEqual(copyIn.status, 1, copyIn.stderr)
        XCTAssertTrue(copyIn.stderr.contains("COPY … FROM STDIN"), copyIn.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('c') IS NULL"), "t")
        try f.remove("1_in.up.sql")
        try f.write(
            "1_out.up.sql",
            "CREATE TABLE d (x int);\nINSERT INTO d SELECT generate_series(1, 10000);\nCOPY d TO STDOUT;\nCOPY d TO STDOUT;\nCOPY d FROM STDIN;\nCREATE TABLE e (x int);\n"
        )
        let copyOut = try f.migrator(["up"], timeout: 30)
        XCTAssertFalse(copyOut.timedOut)
        XCTAssertEqual(copyOut.status, 1, copyOut.stderr)
        XCTAssertTrue(copyOut.stderr.contains("COPY … TO STDOUT"), copyOut.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('d') IS NULL, to_regclass('e') IS NULL"), "t|t")
        XCTAssertEqual(try f.query("SELECT count(*) FROM migrator_history"), "0")
    }

    func testDurationsOutOfRangeAreUsageErrors() throws {
        for (flag, value, message) in [
            ("--statement-timeout", "1e300", "is not a duration"), ("--lock-timeout", "30d", "at most 24d"),
            ("--wait", "1000d", "longest accepted, 365d"),
        ] {
            let r = try f.migrator(["status", flag, value])
            XCTAssertEqual(r.status, 64, "\(flag) \(value): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
        }
    }

    func testBaselineOfAnUnknownVersionChangesNothing() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        let r = try f.migrator(["baseline", "--version", "7"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('migrator_history') IS NULL"), "t")
    }

    func testACheckoutWithCRLFLineEndingsIsNotAnEdit() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n-- two lines\n")
        try f.write("2_b.sql", "-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\r\n-- two lines\r\n")
        try f.write("2_b.sql", "-- migrate:up\r\nCREATE TABLE b (id int);\r\n-- migrate:down\r\nDROP TABLE b;\r\n")
        let validate = try f.migrator(["validate"])
        XCTAssertEqual(validate.status, 0, validate.stderr)
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        try f.write("1_a.up.sql", "CREATE TABLE a (id bigint);\r\n-- two lines\r\n")
        XCTAssertEqual(try f.migrator(["validate"]).status, 3, "a real edit still counts")
    }

    func testVersionAndTheHelpOfCommandsWithAVersionOption() throws {
        let version = try f.migrator(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.1.0-dev (commit unknown)")
        for command in ["baseline", "repair"] {
            let help = try f.migrator([command, "--help"])
            XCTAssertFalse(help.stdout.contains("Show the version"), help.stdout)
            XCTAssertEqual(help.stdout.components(separatedBy: "  --version <version>").count, 2, help.stdout)
        }
    }

    func testNewTwiceInOneSecondGivesTwoVersions() throws {
        let first = try f.migrator(["new", "first"])
        let second = try f.migrator(["new", "second"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(second.status, 0, second.stderr)
        let versions = (first.stdout + second.stdout).split(separator: "\n").map {
            String($0.split(separator: "/").last!.prefix { $0 != "_" })
        }
        XCTAssertEqual(Set(versions).count, 2, "\(versions)")
    }

    func testNewCreatesTimestampedFiles() throws {
        let r = try f.migrator(["new", "Add Orders table"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let path = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(path.hasSuffix("_add_orders_table.sql"), path)
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains("-- migrate:up"))
        let split = try f.migrator(["new", "second", "--layout", "split"])
        let paths = split.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(paths.count, 2)
        XCTAssertTrue(paths[0].hasSuffix("_second.up.sql") && paths[1].hasSuffix("_second.down.sql"))
    }

    func testUsageErrorsExit64() throws {
        XCTAssertEqual(try f.migrator(["down", "--steps", "1", "--all"]).status, 64)
        let negative = try f.migrator(["down", "--steps", "-1"])
        XCTAssertEqual(negative.status, 64)
        XCTAssertTrue(negative.stderr.contains("--steps must be at least 1"), negative.stderr)
        XCTAssertEqual(try f.migrator(["up", "--wait", "soon"]).status, 64)
        XCTAssertEqual(try f.migrator(["repair", "--version", "1"]).status, 64)
        XCTAssertEqual(try f.migrator(["frobnicate"]).status, 64)
        // A command line that lost its arguments ran nothing, and must not pass for a migration that did.
        let bare = try f.migrator([])
        XCTAssertEqual(bare.status, 64, bare.output)
        XCTAssertTrue(bare.stderr.contains("name a command: up, down, status"), bare.stderr)
        XCTAssertEqual(bare.stdout, "")
    }

    /// The image of the release being rolled back to lacks the newer release's files: `up` goes on, and says so.
    func testUpWithAppliedMigrationsWhoseFilesAreGoneSaysSoAndGoesOn() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("2_b.up.sql", "CREATE TABLE b (id int);\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        try f.remove("2_b.up.sql")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(
            r.stderr.contains("1 applied migration has no file here (a newer release's, or removed): 2_b; left as they are"), r.stderr)
        XCTAssertEqual(try f.migrator(["validate"]).status, 3)
    }

    func testRepairAndBaselineRefuseWhatTheyCannotResolve() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("2_b.up.sql", "-- migrator:no-transaction\nCREATE TABLE b (id int);\nSELECT nope;\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 1)
        let unknown = try f.migrator(["repair", "--version", "99", "--mark", "applied"])
        XCTAssertEqual(unknown.status, 64, unknown.output)
        XCTAssertTrue(unknown.stderr.contains("--version 99: no migration has this version; the nearest are 1, 2"), unknown.stderr)
        let baseline = try f.migrator(["baseline", "--version", "2"])
        XCTAssertEqual(baseline.status, 3, baseline.output)
        XCTAssertTrue(baseline.stderr.contains("migration 2_b was left running"), baseline.stderr)
        XCTAssertEqual(try f.query("SELECT state FROM migrator_history WHERE version = '2'"), "running")
    }
}
