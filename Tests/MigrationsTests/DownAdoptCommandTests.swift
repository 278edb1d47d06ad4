import Postgres
import XCTest

@testable import Migrations

/// `down` and `adopt` against `MemoryStore`: what they undo, record or refuse. The CLI tests run the same
/// against PostgreSQL.
final class DownAdoptCommandTests: CommandFixture {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try file("0001_users.up.sql", "CREATE TABLE users (id int);\n")
        try file("0001_users.down.sql", "DROP TABLE users;\n")
        try file("0002_orders.up.sql", "CREATE TABLE orders (id int);\n")
        try file("0002_orders.down.sql", "-- nothing to undo by hand\n")
        try file("0003_index.up.sql", "CREATE INDEX orders_id ON orders (id);\n")
        try file("0003_index.down.sql", "DROP INDEX orders_id;\n")
    }

    private func appliedStore() throws -> MemoryStore {
        MemoryStore(records: try files().map { record($0) })
    }

    func testDownRollsBackNewestFirstToItsTarget() throws {
        let cases: [(name: String, target: Migrator.DownTarget, undone: [MigrationVersion], left: [MigrationVersion])] = [
            ("one step", .steps(1), [3], [1, 2]),
            ("two steps", .steps(2), [3, 2], [1]),
            ("to a version, which stays", .to(1), [3, 2], [1]),
            ("to 0: everything", .to(0), [3, 2, 1], []),
            ("all", .all, [3, 2, 1], []),
        ]
        for c in cases {
            let store = try appliedStore()
            XCTAssertEqual(try migrator(store).down(c.target), c.undone, c.name)
            XCTAssertEqual(try store.records().map(\.version), c.left, c.name)
            XCTAssertFalse(store.locked, c.name)
        }
    }

    func testAnEmptyDownRunsNothingAndIsRecorded() throws {
        let store = try appliedStore()
        XCTAssertEqual(try migrator(store).down(.steps(2)), [3, 2])
        XCTAssertEqual(store.executed, ["DROP INDEX orders_id;\n"], "the comment-only down sends nothing")
        XCTAssertEqual(store.calls, ["lock", "begin", "delete 3", "commit", "delete 2", "unlock"])
        XCTAssertTrue(lines.contains("rolled back 0002_orders (its down is empty: nothing to run)"), "\(lines)")
    }

    func testAMissingDownIsRefusedBeforeAnythingIsUndone() throws {
        try FileManager.default.removeItem(atPath: "\(directory)/0002_orders.down.sql")
        let store = try appliedStore()
        XCTAssertThrowsError(try migrator(store).down(.all)) { error in
            guard case MigratorError.noDownMigration(let labels) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(labels, ["0002_orders"])
        }
        XCTAssertEqual(store.sent, [], "not even 0003, whose down exists")
        XCTAssertEqual(try store.records().map(\.version), [1, 2, 3])
    }

    func testAFailedDownLeavesItsMigrationApplied() throws {
        let store = try appliedStore()
        store.sqlFailures["DROP INDEX"] = [PostgresError(kind: .query, sqlState: "42704", message: "index \"orders_id\" does not exist")]
        XCTAssertThrowsError(try migrator(store).down(.steps(1))) { error in
            guard case MigratorError.migrationFailed(let failure) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(failure.migration, "0003_index")
            XCTAssertEqual(failure.file, "\(self.directory)/0003_index.down.sql")
        }
        XCTAssertEqual(try store.records().map(\.version), [1, 2, 3], "its record was rolled back with it")
    }

    func testDryRunDownChangesNothing() throws {
        let store = try appliedStore()
        XCTAssertEqual(try migrator(store).down(.all, dryRun: true), [3, 2, 1])
        XCTAssertEqual(store.calls, [], "not even the lock")
        XCTAssertEqual(store.sent, [])
        XCTAssertEqual(lines.filter { $0.hasPrefix("would roll back") }.count, 3)
    }

    private static let dbmate = LegacyHistory(tool: .dbmate, schema: "public", table: "schema_migrations", versions: ["1", "2"])

    func testAdoptionRecordsWhatTheOldToolAppliedInOneTransaction() throws {
        let store = MemoryStore()
        store.legacy = Self.dbmate
        XCTAssertEqual(try migrator(store).adopt(.dbmate).map(\.version), [1, 2])
        XCTAssertEqual(store.calls, ["lock", "begin", "insert 1", "insert 2", "commit", "unlock"])
        XCTAssertEqual(store.sent, [], "recorded, not run")
        XCTAssertEqual(try store.records().map(\.state), [.applied, .applied])
        XCTAssertEqual(try store.records().first?.appliedBy, "adopted from dbmate public.schema_migrations by app")
        XCTAssertEqual(events.last, .adopted(legacy: "public.schema_migrations", table: "schema_migrations", recorded: 2, left: 1))
        XCTAssertEqual(try migrator(store).up().map(\.version), [3], "up then runs only the rest")
    }

    func testAFailedAdoptionRecordsNothing() throws {
        var unknown = Self.dbmate
        unknown.versions.append("9")
        let cases: [(name: String, legacy: LegacyHistory?, failWrite: MigrationVersion?, history: [HistoryRecord]?)] = [
            ("a version no file has", unknown, nil, nil),
            ("the second record fails", Self.dbmate, 2, nil),
            ("no such table", nil, nil, nil),
            (
                "another tool's table", LegacyHistory(tool: .golangMigrate, schema: "public", table: "schema_migrations", versions: ["2"]),
                nil, nil
            ),
            ("the migrator already keeps a history", Self.dbmate, nil, []),
        ]
        for c in cases {
            let store = MemoryStore(records: c.history)
            store.legacy = c.legacy
            store.failWrite = c.failWrite
            XCTAssertThrowsError(try migrator(store).adopt(.dbmate), c.name)
            XCTAssertEqual(try store.recordCount(), c.history.map(\.count), "\(c.name): nothing recorded")
            XCTAssertFalse(store.locked, c.name)
        }
    }

    func testDryRunAdoptionWritesNothing() throws {
        let store = MemoryStore()
        store.legacy = Self.dbmate
        XCTAssertEqual(try migrator(store).adopt(.dbmate, dryRun: true).map(\.version), [1, 2])
        XCTAssertEqual(store.calls, [])
        XCTAssertNil(try store.recordCount(), "no history made")
        XCTAssertEqual(events.last, .adoptionCounted(recorded: 2, left: 1, dryRun: true))
        XCTAssertEqual(lines.filter { $0.hasPrefix("would record") }.count, 2)
    }
}
