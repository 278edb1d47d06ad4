import Foundation
import TestSupport
import XCTest

/// A migration recorded `running`: its up or down section ran outside a transaction and did not finish,
/// either because a migrator stopped halfway (a person must look, then `repair`) or because one is at it
/// right now (nothing to do but wait).
final class MigratorRunningStateTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws {
        f = try MigratorFixture()
        try f.write("0001_accounts.up.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n")
        try f.write("0002_email_index.up.sql", "CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);\n")
    }

    override func tearDown() { f?.tearDown() }

    /// The index is dropped, then the next statement fails: the migration is neither applied nor rolled back.
    func testADownOutsideATransactionThatFailsHalfwayIsRecordedRunning() throws {
        try f.write(
            "0002_email_index.down.sql",
            "-- migrator:no-transaction\nDROP INDEX CONCURRENTLY accounts_email;\nDROP TABLE no_such_table;\nSELECT 1;\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)

        let down = try f.migrator(["down"])
        XCTAssertEqual(down.status, 1, down.stderr)
        XCTAssertTrue(down.stderr.contains("0002_email_index.down.sql:3"), down.stderr)
        XCTAssertTrue(down.stderr.contains("statements before line 3 took effect"), down.stderr)
        XCTAssertTrue(down.stderr.contains("0002_email_index is recorded as running"), down.stderr)
        XCTAssertTrue(down.stderr.contains("migrator repair --version 2 --mark pending` (rolled back)"), down.stderr)
        XCTAssertEqual(try f.query("SELECT state FROM migrator_history WHERE version = '2'"), "running")
        XCTAssertEqual(try f.query("SELECT to_regclass('accounts_email') IS NULL"), "t", "the index really is gone")

        XCTAssertEqual(try f.migrator(["validate"]).status, 3)
        for command in [["up"], ["down"]] {
            let refused = try f.migrator(command)
            XCTAssertEqual(refused.status, 3, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("was left running: a migrator stopped while applying or rolling it back"), refused.stderr)
            XCTAssertTrue(refused.stderr.contains("0002_email_index.up.sql or \(f.directory)/0002_email_index.down.sql"), refused.stderr)
            XCTAssertTrue(refused.stderr.contains("if it is not (never applied, or wholly rolled back)"), refused.stderr)
        }
        // The person finishes the rollback and tells the migrator; the migration applies again.
        XCTAssertEqual(try f.migrator(["repair", "--version", "2", "--mark", "pending"]).status, 0)
        XCTAssertEqual(try f.historyVersions(), ["1"])
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        XCTAssertEqual(try f.query("SELECT to_regclass('accounts_email') IS NOT NULL"), "t")
    }

    func testADownOutsideATransactionWhoseFirstStatementFailsStaysApplied() throws {
        try f.write(
            "0002_email_index.down.sql", "-- migrator:no-transaction\nDROP TABLE no_such_table;\nDROP INDEX CONCURRENTLY accounts_email;\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        let down = try f.migrator(["down"])
        XCTAssertEqual(down.status, 1, down.stderr)
        XCTAssertTrue(
            down.stderr.contains("Nothing of the down migration took effect; the history still lists 0002_email_index as applied"),
            down.stderr)
        XCTAssertEqual(try f.query("SELECT state FROM migrator_history WHERE version = '2'"), "applied")
        XCTAssertEqual(try f.migrator(["validate"]).status, 0)
    }

    /// While another migrator applies a migration outside a transaction, `validate` and `status` say so
    /// instead of reporting drift and sending the person to `repair`.
    func testAMigrationBeingAppliedNowIsNotDrift() throws {
        try f.write("0003_slow.up.sql", "-- migrator:no-transaction\nSELECT pg_sleep(4);\nCREATE TABLE slow (id int);\n")
        let applying = try f.start(["up"], environment: ["PGAPPNAME": "deploy"])
        XCTAssertTrue(f.waitUntil("SELECT state FROM migrator_history WHERE version = '3'", is: "running"))

        let validate = try f.migrator(["validate"])
        XCTAssertEqual(validate.status, 0, validate.stderr)
        XCTAssertTrue(validate.stderr.contains("0003_slow: being applied or rolled back now by pid"), validate.stderr)
        XCTAssertTrue(validate.stderr.contains("application deploy"), validate.stderr)
        let status = try f.migrator(["status"])
        XCTAssertTrue(status.stdout.contains("note: 0003_slow: being applied or rolled back now by pid"), status.stdout)
        let json = try f.migrator(["status", "--output", "json"])
        XCTAssertTrue(json.stdout.contains("\"runningNow\":\"pid "), json.stdout)

        XCTAssertEqual(applying.wait(timeout: 30).status, 0)
        XCTAssertEqual(try f.migrator(["validate"]).status, 0)
        XCTAssertFalse(try f.migrator(["status", "--output", "json"]).stdout.contains("runningNow"))
    }
}
