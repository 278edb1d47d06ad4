import Foundation
import TestSupport
import XCTest

/// `up --lock-retries` against a table that production traffic holds locked for a moment.
final class MigratorLockRetryTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws {
        f = try MigratorFixture()
        try f.write("1_accounts.up.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY);\nCREATE TABLE audit (id bigint);\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    override func tearDown() {
        _ = try? f?.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'busy-web'")
        f?.tearDown()
    }

    func testARetriedMigrationIsAppliedOnceAfterTheLockIsReleased() throws {
        try f.write("2_add_note.up.sql", "ALTER TABLE accounts ADD COLUMN note text;\n")
        let holder = try holdAccessExclusiveLock(on: "accounts", seconds: 2)
        let r = try f.migrator(["up", "--lock-timeout", "200ms", "--lock-retries", "20"], timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(holder.wait(timeout: 10).status, 0, "the lock was held for its whole 2 s")
        let retries = r.stderr.components(separatedBy: "\n").filter { $0.contains("timed out waiting for a lock") }
        XCTAssertGreaterThanOrEqual(retries.count, 2, r.stderr)
        XCTAssertTrue(retries[0].hasPrefix("2_add_note timed out waiting for a lock held by pid "), r.stderr)
        XCTAssertTrue(retries[0].contains("application busy-web"), r.stderr)
        XCTAssertTrue(retries[0].contains("AccessExclusiveLock on public.accounts, its transaction open since "), r.stderr)
        XCTAssertTrue(
            retries[0].hasSuffix("; nothing applied, retry 1 of 20 in " + retries[0].components(separatedBy: " in ").last!), r.stderr)
        XCTAssertEqual(r.stderr.components(separatedBy: "applied 2_add_note (").count, 2, "applied once: \(r.stderr)")
        XCTAssertEqual(try f.historyVersions(), ["1", "2"])
        XCTAssertEqual(try f.query("SELECT count(*) FROM migrator_history WHERE version = '2' AND state = 'applied'"), "1")
        XCTAssertEqual(
            try f.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'"), "1")
    }

    func testWithoutRetriesTheMigrationFailsAndAppliesNothing() throws {
        try f.write("2_add_note.up.sql", "ALTER TABLE accounts ADD COLUMN note text;\n")
        let holder = try holdAccessExclusiveLock(on: "accounts", seconds: 2)
        let r = try f.migrator(["up", "--lock-timeout", "200ms", "--lock-retries", "0"], timeout: 60)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("55P03"), r.stderr)
        XCTAssertFalse(r.stderr.contains("retry"), r.stderr)
        XCTAssertEqual(holder.wait(timeout: 10).status, 0)
        XCTAssertEqual(try f.historyVersions(), ["1"])
        XCTAssertEqual(
            try f.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'"), "0")
    }

    func testANoTransactionMigrationIsRetriedOnlyWhenItsFirstStatementTimedOut() throws {
        try f.write(
            "2_index_accounts.up.sql",
            """
            -- migrator:no-transaction
            ALTER TABLE accounts ADD COLUMN email text;
            CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);
            """)
        var holder = try holdAccessExclusiveLock(on: "accounts", seconds: 2)
        let retried = try f.migrator(["up", "--lock-timeout", "200ms", "--lock-retries", "20"], timeout: 60)
        XCTAssertEqual(retried.status, 0, retried.stderr)
        XCTAssertTrue(retried.stderr.contains("2_index_accounts timed out waiting for a lock"), retried.stderr)
        _ = holder.wait(timeout: 10)
        XCTAssertEqual(try f.query("SELECT string_agg(state, ',' ORDER BY version_order) FROM migrator_history"), "applied,applied")

        // Its first statement took effect before the second one timed out: retrying would run it twice.
        try f.write(
            "3_audit_and_accounts.up.sql",
            """
            -- migrator:no-transaction
            ALTER TABLE audit ADD COLUMN at timestamptz;
            ALTER TABLE accounts ADD COLUMN phone text;
            """)
        holder = try holdAccessExclusiveLock(on: "accounts", seconds: 2)
        let stopped = try f.migrator(["up", "--lock-timeout", "200ms", "--lock-retries", "20"], timeout: 60)
        XCTAssertEqual(stopped.status, 1, stopped.stderr)
        XCTAssertTrue(stopped.stderr.contains("55P03"), stopped.stderr)
        XCTAssertTrue(
            stopped.stderr.contains("Tried 1 time (--lock-retries 20); not retried, because part of it took effect."), stopped.stderr)
        XCTAssertFalse(stopped.stderr.contains("timed out waiting for a lock held by"), stopped.stderr)
        _ = holder.wait(timeout: 10)
        XCTAssertEqual(try f.query("SELECT state FROM migrator_history WHERE version = '3'"), "running")
    }

    func testOtherErrorsAreNotRetried() throws {
        try f.write("2_bad.up.sql", "ALTER TABLE accounts ADD COLUMN note nosuchtype;\n")
        let r = try f.migrator(["up", "--lock-timeout", "200ms", "--lock-retries", "5"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("42704"), r.stderr)
        XCTAssertFalse(r.stderr.contains("retry") || r.stderr.contains("Tried"), r.stderr)
    }

    func testLockRetriesNeedALockTimeout() throws {
        for arguments in [
            ["--lock-retries", "3"], ["--lock-retries", "3", "--lock-timeout", "0"], ["--lock-retries", "1001", "--lock-timeout", "1s"],
        ] {
            let r = try f.migrator(["up"] + arguments)
            XCTAssertEqual(r.status, 64, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--lock-retries"), r.stderr)
        }
        XCTAssertTrue(try f.migrator(["up", "--lock-retries", "3"]).stderr.contains("--lock-retries needs --lock-timeout"))
        let help = try f.migrator(["up", "--help"])
        XCTAssertTrue(help.stdout.contains("--lock-retries <n>"), help.stdout)
        XCTAssertTrue(help.stdout.contains("migrator up --lock-timeout 2s --lock-retries 10"), help.stdout)
    }

    /// Another session takes ACCESS EXCLUSIVE on `table` and keeps it `seconds`, as a busy service's
    /// long transaction would; returns once the lock is granted.
    private func holdAccessExclusiveLock(on table: String, seconds: Int) throws -> RunningProcess {
        let holder = try ProcessRunner.start(
            "/usr/bin/psql",
            [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", f.url, "-c",
                "BEGIN; LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(\(seconds)); COMMIT;",
            ],
            extraEnvironment: ["PGAPPNAME": "busy-web"])
        for _ in 0..<100 {
            if try f.query(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.relation = '\(table)'::regclass AND l.granted AND l.mode = 'AccessExclusiveLock' AND a.application_name = 'busy-web'"
            ) == "1" {
                return holder
            }
            usleep(50_000)
        }
        holder.signal(SIGTERM)
        throw NSError(
            domain: "busy-web", code: 1,
            userInfo: [NSLocalizedDescriptionKey: "the lock holder never got its lock: \(holder.currentStderr)"])
    }
}
