import Foundation
@testable import Migrations
import Postgres
import TestSupport
import XCTest

/// What the opening thread reads while the files are read (`SessionHead`): only reads, the lock on the
/// first try or not at all, and nothing that would change where an error or a log line is met.
final class SessionHeadTests: XCTestCase {
    var directory: String!
    var admin: Connection!
    var database: String!
    var url: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "mig-head-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (version, table) in [(1, "head_accounts"), (2, "head_orders")] {
            try "-- migrate:up\nCREATE TABLE \(table) (id int);\n-- migrate:down\nDROP TABLE \(table);\n"
                .write(toFile: directory + "/\(version)_\(table).sql", atomically: true, encoding: .utf8)
        }
        let stack = try LocalStack.current()
        database = "head_" + UUID().uuidString.prefix(8).lowercased()
        admin = try Connection(stack.databaseURL)
        try admin.exec("CREATE DATABASE \(database!)")
        url = stack.databaseURL(database: database)
    }

    override func tearDownWithError() throws {
        _ = try? admin?.exec("DROP DATABASE IF EXISTS \(database!) WITH (FORCE)")
        try? FileManager.default.removeItem(atPath: directory)
    }

    var config: MigratorConfig { MigratorConfig(databaseURL: url, directory: directory) }

    func applied() throws {
        XCTAssertEqual(try Migrator(config: config, log: { _ in }).up().count, 2)
    }

    func lockKey(_ db: Connection) -> Int64 {
        MigrationLock.key(database: db.database, schema: "public", table: "migrator_history")
    }

    /// The history table as the release before Flyway's layout created it (`version bigint`).
    func createEarlierReleaseTable(_ db: Connection) throws {
        try db.exec(
            """
            CREATE TABLE migrator_history (version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                state text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint NOT NULL DEFAULT 0,
                applied_by text NOT NULL)
            """)
    }

    func testACommandThatDoesNotLockGetsTheRecordsAndTheRepeatableHistory() throws {
        try applied()
        let db = try Connection(url)
        let head = try XCTUnwrap(SessionHead.read(db, config, locking: false))
        XCTAssertFalse(head.locked)
        XCTAssertEqual(head.records?.map(\.version), [1, 2])
        XCTAssertEqual(head.repeatableRecords, [], "read (no table yet), since status reads it whenever there are records")
        XCTAssertEqual(head.history.schema, "public")
    }

    func testALockingCommandTakesTheLockOnTheFirstTryOrLeavesItToTheCommand() throws {
        try applied()
        let other = try Connection(url)
        let db = try Connection(url)
        try other.query("SELECT pg_advisory_lock($1)", [String(lockKey(other))])
        let busy = try XCTUnwrap(SessionHead.read(db, config, locking: true))
        XCTAssertFalse(busy.locked, "another migrator holds the lock: the command waits for it, with its messages")
        XCTAssertNil(busy.records, "records read without the lock would be stale once it is taken")

        try other.query("SELECT pg_advisory_unlock($1)", [String(lockKey(other))])
        let head = try XCTUnwrap(SessionHead.read(db, config, locking: true))
        XCTAssertTrue(head.locked)
        XCTAssertEqual(head.records?.map(\.version), [1, 2])
        XCTAssertEqual(
            try other.query("SELECT pg_try_advisory_lock($1) AS ok", [String(lockKey(other))]).value("ok"), "f",
            "the head's session holds the lock for the command")
    }

    func testATableOfAnEarlierReleaseIsLeftForTheCommandToUpgrade() throws {
        let db = try Connection(url)
        try createEarlierReleaseTable(db)
        let head = try XCTUnwrap(SessionHead.read(db, config, locking: true))
        XCTAssertTrue(head.locked)
        XCTAssertNil(head.records, "the command upgrades the table (and says so) before it reads the records")
        let type = try db.exec(
            "SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'migrator_history'::regclass AND attname = 'version'"
        )
        XCTAssertEqual(type.value("t"), "bigint", "the head wrote nothing")
    }

    func testTheHeadsRecordsAnswerTheFirstQuestionOnly() throws {
        try applied()
        let db = try Connection(url)
        let head = try XCTUnwrap(SessionHead.read(db, config, locking: true))
        let store = PostgresStore(db, history: head.history, config: config, appliedBy: "test", head: head)
        try db.exec("DELETE FROM migrator_history WHERE version = '2'")
        XCTAssertEqual(try store.records().map(\.version), [1, 2], "read before the row went")
        XCTAssertEqual(try store.records().map(\.version), [1], "asked again: read again")
        store.unlock()
    }

    func testAnUpOverAnEarlierReleasesTableStillUpgradesItAndSaysSo() throws {
        let db = try Connection(url)
        try createEarlierReleaseTable(db)
        var lines: [String] = []
        let migrator = Migrator(config: config) { if case .note(let line) = $0 { lines.append(line) } }
        XCTAssertEqual(try migrator.up().map(\.version), [1, 2])
        XCTAssertTrue(lines.contains { $0.hasPrefix("upgraded public.migrator_history") }, "\(lines)")
        XCTAssertEqual(try migrator.status().map(\.state), [.applied, .applied])
    }
}
