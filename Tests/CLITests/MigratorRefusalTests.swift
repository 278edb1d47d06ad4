import Foundation
import TestSupport
import XCTest

/// Inputs the migrator must refuse, or survive, without leaving anything half-done.
final class MigratorRefusalTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    func testAVersionThatNamesNoMigrationIsRefusedWithTheNearestOnes() throws {
        try f.write("20260101000000_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n")
        try f.write("20260102000000_b.sql", "-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)

        let typo = try f.migrator(["down", "--to", "2026"])
        XCTAssertEqual(typo.status, 64, typo.output)
        XCTAssertTrue(
            typo.stderr.contains("--to 2026: no migration has this version; the nearest are 20260101000000, 20260102000000"), typo.stderr)
        XCTAssertEqual(try f.historyVersions(), ["20260101000000", "20260102000000"], "a typo rolled nothing back")

        XCTAssertEqual(try f.migrator(["up", "--to", "20260101000001"]).status, 64)
        XCTAssertEqual(try f.migrator(["baseline", "--version", "20260103000000"]).status, 64)
        let rollback = try f.migrator(["down", "--to", "20260101000000"])
        XCTAssertEqual(rollback.status, 0, rollback.stderr)
        XCTAssertEqual(try f.historyVersions(), ["20260101000000"])
    }

    /// The session is opened on a second thread while the files are read, so bad files can end the program
    /// while that thread is still logging in, inside libcrypto (TLS, SCRAM) or krb5 (libpq's GSSAPI probe).
    /// It must end with 64 and its message, never a crash. Ending with `exit()` ran those libraries' exit
    /// handlers under the thread: signal 11 with OpenSSL's handler on, and with it off still signal 6 from
    /// krb5's mutex teardown in about 2 runs of 100 over a directory of 1 to 20 files, where the error comes
    /// earliest. Directories of several sizes move the moment of the error across the login.
    func testBadFilesEndTheProgramCleanlyWhileTheSessionIsStillLoggingIn() throws {
        var written = 0
        var statuses: [Int32: Int] = [:]
        for (size, runs) in [(1, 40), (5, 40), (20, 30), (100, 10), (300, 10), (1000, 10)] {
            while written < size {
                written += 1
                try f.write(String(format: "%06d_t%d.sql", written, written), "-- migrate:up\nCREATE TABLE t\(written) (id int);\n")
            }
            try f.write("000001_twin.sql", "-- migrate:up\nSELECT 1;\n")
            for _ in 0..<runs {
                let r = try f.migrator(["status"])
                statuses[r.status, default: 0] += 1
                if r.status != 64 || !r.stderr.contains("version 1 is also used by") || r.stderr.contains("crashed") {
                    XCTFail("\(size) files: exit \(r.status): \(r.stderr.prefix(400))")
                }
            }
            try f.remove("000001_twin.sql")
        }
        XCTAssertEqual(statuses, [64: 140])
    }

    func testAFileThatManagesItsOwnTransactionRunsWithoutCommittingHalfOfItWithoutItsHistoryRow() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("2_b.up.sql", "BEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\n")
        try f.write(
            "3_c.sql", "-- migrate:up\nCREATE TABLE c (id int);\nSAVEPOINT s;\nROLLBACK TO SAVEPOINT s;\n-- migrate:down\nDROP TABLE c;\n")
        try f.write("4_d.up.sql", "CREATE TABLE d (id int);\nCOMMIT;\nINSERT INTO d VALUES (1);\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertFalse(r.stderr.contains("2_b runs outside"), "wrapped by hand: runs in the migrator's transaction: \(r.stderr)")
        XCTAssertFalse(r.stderr.contains("3_c runs outside"), "savepoints work inside the migration's transaction: \(r.stderr)")
        XCTAssertTrue(
            r.stderr.contains(
                "4_d runs outside a transaction, statement by statement: it controls its own transactions (\(f.directory)/4_d.up.sql:2)"),
            r.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "3", "4"])
        XCTAssertEqual(try f.query("SELECT count(*) FROM d"), "1")
    }

    func testASecondDownFileForAVersionIsRefused() throws {
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("1_a.down.sql", "DROP TABLE a;\n")
        try f.write("1_b.down.sql", "DROP TABLE b;\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(r.stderr.contains("has another down migration"), r.stderr)
    }

    func testANoTransactionMigrationWhoseFirstStatementFailsLeavesNoHistory() throws {
        try f.write("1_t.up.sql", "CREATE TABLE t (a int);\n")
        try f.write("2_vac.up.sql", "-- migrator:no-transaction\nVACUUM no_such_table;\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("2_vac.up.sql:2"), "the statement's own line, not the directive's: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("the history is unchanged"), r.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1"])
        try f.write("2_vac.up.sql", "-- migrator:no-transaction\nVACUUM t;\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0, "runs again without a repair")
        XCTAssertEqual(try f.historyVersions(), ["1", "2"])
    }

    func testAFailedCreateIndexConcurrentlyNamesTheInvalidIndex() throws {
        try f.write("1_t.up.sql", "CREATE TABLE t (a int);\nINSERT INTO t VALUES (1), (1);\n")
        try f.write("2_idx.up.sql", "-- migrator:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY t_a ON t (a);\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("INVALID index"), r.stderr)
        XCTAssertEqual(try f.query("SELECT state FROM migrator_history WHERE version = '2'"), "running")
    }

    /// RDS's usual setup: the migration role owns its schema but may not create schemas in the database.
    func testARoleWithCreateOnItsSchemaOnlyCanMigrate() throws {
        let role = "mig_role_" + UUID().uuidString.prefix(8).lowercased()
        let password = "Pw-" + UUID().uuidString.prefix(12)
        try psql(f.stack.databaseURL, "CREATE ROLE \(role) LOGIN PASSWORD '\(password)'")
        defer { _ = try? psql(f.stack.databaseURL, "DROP OWNED BY \(role) CASCADE; DROP ROLE IF EXISTS \(role)") }
        try f.query(
            "REVOKE CREATE ON DATABASE \(f.database) FROM PUBLIC; GRANT CONNECT ON DATABASE \(f.database) TO \(role); GRANT USAGE, CREATE ON SCHEMA public TO \(role)"
        )
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        let port = f.stack.environment["LOCAL_STACK_PG_PORT"]!
        let url = "postgresql://\(role):\(password)@127.0.0.1:\(port)/\(f.database)"
        for _ in 0..<2 {
            let r = try f.migrator(["up"], environment: ["DATABASE_URL": url])
            XCTAssertEqual(r.status, 0, r.output)
        }
        XCTAssertEqual(try f.historyVersions(), ["1"])
    }

    func testABadConnectionSettingIsAUsageErrorAndNotRetried() throws {
        // A migration to read: an empty directory is an error of its own, found before the connection's.
        try f.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        let started = Date()
        let r = try f.migrator(["status", "--wait", "30s"], environment: ["DATABASE_URL": f.url + "?sslmode=bogus"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(r.stderr.contains("invalid sslmode value"), r.stderr)
        let port = try f.migrator(
            ["status", "--wait", "30s"], environment: ["DATABASE_URL": "postgresql://postgres@127.0.0.1:99999/postgres"])
        XCTAssertEqual(port.status, 64, port.output)
        XCTAssertTrue(port.stderr.contains("invalid port number"), port.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }
}
