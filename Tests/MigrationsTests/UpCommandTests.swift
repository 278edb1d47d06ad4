import Postgres
import XCTest

@testable import Migrations

/// `up` against `MemoryStore`: what it runs and records, what it refuses before running anything, and when
/// it tries a migration again after a lock timeout. The CLI tests run the same against PostgreSQL.
final class UpCommandTests: CommandFixture {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try file("0001_users.up.sql", "CREATE TABLE users (id int);\n")
        try file("0002_orders.up.sql", "CREATE TABLE orders (id int);\n")
        try file("0003_index.up.sql", "CREATE INDEX orders_id ON orders (id);\n")
    }

    func testAppliesWhatIsPendingInOrderEachWithItsRecord() throws {
        let m = try files()
        let store = MemoryStore(records: [record(m[0])])
        XCTAssertEqual(try migrator(store).up().map(\.version), [2, 3])
        XCTAssertEqual(store.executed, ["CREATE TABLE orders (id int);\n", "CREATE INDEX orders_id ON orders (id);\n"])
        XCTAssertEqual(try store.records().map(\.version), [1, 2, 3])
        XCTAssertEqual(try store.records().map(\.state), [.applied, .applied, .applied])
        XCTAssertEqual(store.calls, ["lock", "begin", "insert 2", "commit", "begin", "insert 3", "commit", "unlock"])
        XCTAssertEqual(try migrator(store).up(), [], "a second run finds nothing to do")
        XCTAssertEqual(lines.last, "nothing to apply; the database is at version 3")
    }

    func testUpToATargetStopsThere() throws {
        let store = MemoryStore()
        XCTAssertEqual(try migrator(store).up(to: 2).map(\.version), [1, 2])
        XCTAssertEqual(try store.records().map(\.version), [1, 2])
    }

    func testEveryRefusalComesBeforeAnythingRuns() throws {
        let m = try files()
        let cases: [(name: String, records: [HistoryRecord], refusals: [Refusal])] = [
            (
                "left running", [record(m[0], .running)],
                [.leftRunning(version: 1, label: "0001_users", files: ["\(directory)/0001_users.up.sql"])]
            ),
            ("a changed file", [record(m[0], checksum: "0ld")], [.checksumChanged(version: 1, label: "0001_users")]),
            ("out of order", [record(m[0]), record(m[2])], [.outOfOrder(label: "0002_orders")]),
        ]
        for c in cases {
            let store = MemoryStore(records: c.records)
            XCTAssertThrowsError(try migrator(store).up(), c.name) { error in
                guard case MigratorError.refused(let refusals) = error else { return XCTFail("\(c.name): \(error)") }
                XCTAssertEqual(refusals, c.refusals, c.name)
            }
            XCTAssertEqual(store.sent, [], "\(c.name): nothing ran")
            XCTAssertEqual(try store.records(), c.records, "\(c.name): nothing recorded")
            XCTAssertFalse(store.locked, c.name)
        }
    }

    func testOutOfOrderRunsWhenAllowed() throws {
        let m = try files()
        let store = MemoryStore(records: [record(m[0]), record(m[2])])
        XCTAssertEqual(try migrator(store).up(allowOutOfOrder: true).map(\.version), [2])
        XCTAssertEqual(store.executed, ["CREATE TABLE orders (id int);\n"])
    }

    func testAnotherMigratorHoldingTheLockStopsUpBeforeItReadsTheHistory() throws {
        let store = MemoryStore()
        store.lockHolder = "pid 4242 (application migrator)"
        XCTAssertThrowsError(try migrator(store).up()) { error in
            guard case MigratorError.lockTimeout(let text) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("pid 4242"), text)
        }
        XCTAssertEqual(store.calls, ["lock"])
        XCTAssertEqual(store.sent, [])
    }

    func testAMigrationBeingAppliedByAnotherIsNotDrift() throws {
        let m = try files()
        let store = MemoryStore(records: [record(m[0]), record(m[1], .running)])
        XCTAssertThrowsError(try migrator(store).validate()) { error in
            XCTAssertEqual("\(error)", "\(MigratorError.drift([.leftRunning(label: "0002_orders")]))", "no one holds the lock: left behind")
        }
        store.lockHolder = "pid 4242 (application migrator)"
        XCTAssertEqual(try migrator(store).status().map(\.runningNow), [nil, "pid 4242 (application migrator)", nil])
        XCTAssertNoThrow(try migrator(store).validate())
        XCTAssertTrue(lines.contains("0002_orders: being applied or rolled back now by pid 4242 (application migrator); not drift"))
    }

    func testAnotherToolsHistoryIsNotRunOverUntilAdopted() throws {
        let store = MemoryStore()
        store.legacy = LegacyHistory(tool: .dbmate, schema: "public", table: "schema_migrations", versions: ["1", "2"])
        XCTAssertThrowsError(try migrator(store).up()) { error in
            guard case MigratorError.notAdopted(_, .dbmate, "public.migrator_history") = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(store.sent, [])
        XCTAssertNil(try store.recordCount(), "no history made")
        // Once the migrator keeps a history, even an empty one, the old table is the team's business.
        let adopted = MemoryStore(records: [])
        adopted.legacy = store.legacy
        XCTAssertEqual(try migrator(adopted).up().count, 3)
    }

    func testALockTimeoutIsRetriedAndRecordedOnce() throws {
        let store = MemoryStore()
        store.sqlFailures["CREATE TABLE orders"] = [Self.lockTimedOut, Self.lockTimedOut]
        store.blocker = "pid 77 (application psql); AccessExclusiveLock on public.orders"
        XCTAssertEqual(try migrator(store, lockRetries: 3).up().map(\.version), [1, 2, 3])
        XCTAssertEqual(store.sent.filter { $0.contains("orders (id int)") }.count, 3, "two timeouts, then it ran")
        XCTAssertEqual(store.executed.filter { $0.contains("orders (id int)") }.count, 1)
        XCTAssertEqual(store.calls.filter { $0 == "insert 2" }.count, 1, "recorded once")
        XCTAssertEqual(try store.records().map(\.version), [1, 2, 3])
        let retries = lines.filter { $0.hasPrefix("0002_orders timed out waiting for a lock held by pid 77") }
        XCTAssertEqual(retries.count, 2, "\(lines)")
        XCTAssertTrue(retries.last?.contains("retry 2 of 3") ?? false, "\(retries)")
    }

    func testALockTimeoutIsNotRetriedWithoutRetries() throws {
        let store = MemoryStore()
        store.sqlFailures["CREATE TABLE orders"] = [Self.lockTimedOut]
        XCTAssertThrowsError(try migrator(store).up()) { error in
            guard case MigratorError.migrationFailed(let failure) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(failure.migration, "0002_orders")
            XCTAssertEqual(failure.error.sqlState, "55P03")
            XCTAssertNil(failure.lockAttempts)
        }
        XCTAssertEqual(try store.records().map(\.version), [1], "rolled back with its record")
    }

    func testAStatementByStatementMigrationIsRetriedOnlyWhileNothingTookEffect() throws {
        try file(
            "0004_backfill.up.sql",
            "-- migrator:no-transaction\nUPDATE orders SET id = id;\nCREATE INDEX CONCURRENTLY orders_id2 ON orders (id);\n")
        // The first statement times out: nothing committed, so the record is taken back and it runs again.
        let clean = MemoryStore()
        clean.sqlFailures["UPDATE orders"] = [Self.lockTimedOut]
        XCTAssertEqual(try migrator(clean, lockRetries: 2).up().map(\.version), [1, 2, 3, 4])
        XCTAssertEqual(clean.executed.filter { $0.contains("UPDATE orders") }.count, 1)
        XCTAssertEqual(clean.calls.filter { $0.hasSuffix(" 4") }, ["insert 4", "delete 4", "insert 4", "markApplied 4"])
        XCTAssertEqual(try clean.records().last?.state, .applied)

        // The second times out after the first committed: trying again would run the UPDATE twice.
        let partial = MemoryStore()
        partial.sqlFailures["CREATE INDEX CONCURRENTLY"] = [Self.lockTimedOut]
        XCTAssertThrowsError(try migrator(partial, lockRetries: 2).up()) { error in
            guard case MigratorError.migrationFailed(let failure) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(failure.migration, "0004_backfill")
            XCTAssertEqual(failure.lockAttempts, MigrationFailure.LockAttempts(tried: 1, retries: 2, partTookEffect: true))
            guard case .upPartial(let run, _) = failure.aftermath else { return XCTFail("\(String(describing: failure.aftermath))") }
            XCTAssertEqual(run.firstUncommittedLine, 3)
        }
        XCTAssertEqual(partial.executed.filter { $0.contains("UPDATE orders") }.count, 1, "not run again")
        XCTAssertEqual(try partial.records().last?.version, 4)
        XCTAssertEqual(try partial.records().last?.state, .running, "left for a person and `repair`")
    }

    func testARepeatableMigrationRunsAfterTheVersionedOnesAndIsRecordedByName() throws {
        try file("R__order_view.sql", "CREATE OR REPLACE VIEW order_ids AS SELECT id FROM orders;\n")
        let store = MemoryStore()
        XCTAssertEqual(try migrator(store).up().count, 3)
        XCTAssertEqual(store.executed.last, "CREATE OR REPLACE VIEW order_ids AS SELECT id FROM orders;\n")
        XCTAssertEqual(try store.repeatableRecords().map(\.name), ["order_view"])
        XCTAssertEqual(try migrator(store).up().count, 0)
        XCTAssertEqual(store.executed.count, 4, "an unchanged repeatable is not run again")
    }
}
