import FoundationEssentials
import XCTest

@testable import Migrations

/// `repair` and `baseline` decide from files and history alone: run here against `MemoryStore`, without
/// PostgreSQL (the CLI tests run the same commands against the server).
final class HistoryCommandTests: XCTestCase {
    private var directory = ""
    private var lines: [String] = []

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (version, name) in [(1, "users"), (2, "orders"), (3, "index")] {
            try "CREATE TABLE t\(version) (id int);\n".write(
                toFile: "\(directory)/000\(version)_\(name).up.sql", atomically: true, encoding: .utf8)
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func migrator(_ store: MemoryStore) -> Migrator {
        Migrator(
            config: MigratorConfig(databaseURL: "", directory: directory),
            log: { [unowned self] in if case .note(let line) = $0 { lines.append(line) } }, store: store)
    }

    private func files() throws -> [Migration] {
        try migrator(MemoryStore()).migrations()
    }

    private func record(_ m: Migration, _ state: HistoryRecord.State, checksum: String? = nil) -> HistoryRecord {
        HistoryRecord(
            version: m.version, name: m.name, checksum: checksum ?? m.checksum, state: state, appliedAt: "2026-12-01T00:00:00Z",
            executionMs: 7, appliedBy: "app")
    }

    func testRepairResolvesOnlyWhatItIsFor() throws {
        let m = try files()
        typealias Case = (
            name: String, records: [HistoryRecord], version: MigrationVersion, action: Migrator.RepairAction, refusal: MigratorError?,
            after: [HistoryRecord]?
        )
        let edited = record(m[1], .applied, checksum: "0ld")
        var accepted = edited
        accepted.checksum = m[1].checksum
        var markedApplied = record(m[2], .applied)
        markedApplied.executionMs = 7
        let cases: [Case] = [
            (
                "mark applied", [record(m[0], .applied), record(m[2], .running)], 3, .markApplied, nil,
                [record(m[0], .applied), markedApplied]
            ),
            ("mark pending forgets it", [record(m[0], .applied), record(m[2], .running)], 3, .markPending, nil, [record(m[0], .applied)]),
            ("mark an applied one", [record(m[0], .applied)], 1, .markPending, .repairRefused(.notLeftRunning(1)), nil),
            ("mark a pending one", [record(m[0], .applied)], 2, .markApplied, .repairRefused(.notLeftRunning(2)), nil),
            ("accept an edited file", [record(m[0], .applied), edited], 2, .acceptChecksum, nil, [record(m[0], .applied), accepted]),
            ("accept a running one", [record(m[2], .running)], 3, .acceptChecksum, .repairRefused(.notApplied(3)), nil),
            (
                "accept without a file",
                [
                    record(m[0], .applied),
                    HistoryRecord(version: 9, name: "gone", checksum: "c", state: .applied, appliedAt: "", executionMs: 1, appliedBy: ""),
                ],
                9, .acceptChecksum, .repairRefused(.noFile(9)), nil
            ),
            (
                "an unknown version", [record(m[0], .applied)], 5, .markApplied, .unknownVersion(5, nearest: [2, 3], option: .migration),
                nil
            ),
        ]
        for c in cases {
            let store = MemoryStore(records: c.records)
            do {
                try migrator(store).repair(version: c.version, action: c.action)
                if let refusal = c.refusal { XCTFail("\(c.name): not refused, expected \(refusal)") }
                XCTAssertEqual(try store.records(), c.after, c.name)
            } catch let error as MigratorError {
                XCTAssertEqual("\(error)", c.refusal.map { "\($0)" }, c.name)
                XCTAssertEqual(try store.records(), c.records, "\(c.name): refused, so nothing changed")
            }
            XCTAssertFalse(store.locked, "\(c.name): the lock was released")
            XCTAssertEqual(store.calls.first, "lock", c.name)
        }
    }

    func testAcceptingAnUnchangedChecksumChangesNothing() throws {
        let m = try files()
        let store = MemoryStore(records: [record(m[0], .applied)])
        try migrator(store).repair(version: 1, action: .acceptChecksum)
        XCTAssertEqual(store.calls, ["lock", "unlock"])
        XCTAssertEqual(lines.last, "migration 0001_users is unchanged; nothing to repair")
    }

    func testBaselineRecordsWhatIsNotRecordedInOneTransaction() throws {
        let store = MemoryStore()
        XCTAssertEqual(try migrator(store).baseline(version: 2).map(\.version), [1, 2])
        XCTAssertEqual(try store.records().map(\.version), [1, 2])
        XCTAssertEqual(try store.records().map(\.appliedBy), ["baseline by app", "baseline by app"])
        XCTAssertEqual(store.calls, ["lock", "begin", "insert 1", "insert 2", "commit", "unlock"])
        XCTAssertEqual(try migrator(store).baseline(version: 3).map(\.version), [3], "only what is not recorded yet")
        XCTAssertEqual(try migrator(store).baseline(version: 3).map(\.version), [])
        XCTAssertEqual(lines.last, "nothing to baseline: every migration up to 3 is already recorded")
    }

    func testBaselineRecordsNothingWhenOneRecordFails() throws {
        let store = MemoryStore()
        store.failWrite = 2
        XCTAssertThrowsError(try migrator(store).baseline(version: 3)) { error in
            guard case MigratorError.database(let what, let cause) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(what, "baseline failed; nothing was recorded")
            XCTAssertEqual(cause.sqlState, "23505")
        }
        XCTAssertEqual(try store.records(), [], "the first insert was rolled back with the second")
        XCTAssertFalse(store.locked)
    }

    func testBaselineDoesNotHideAMigrationLeftRunning() throws {
        let m = try files()
        let store = MemoryStore(records: [record(m[1], .running)])
        XCTAssertThrowsError(try migrator(store).baseline(version: 3)) { error in
            guard case MigratorError.refused(let refusals) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(refusals, [.leftRunning(version: 2, label: "0002_orders", files: ["\(self.directory)/0002_orders.up.sql"])])
        }
        XCTAssertEqual(try store.records(), [record(m[1], .running)])
        XCTAssertEqual(try migrator(MemoryStore()).baseline(version: 1).map(\.version), [1], "below it, nothing is hidden")
    }

    func testAnUnknownBaselineVersionIsRefusedBeforeTheLock() throws {
        let store = MemoryStore()
        XCTAssertThrowsError(try migrator(store).baseline(version: 7)) { error in
            guard case MigratorError.unknownVersion(7, let nearest, .migration) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(nearest, [2, 3])
        }
        XCTAssertEqual(store.calls, [])
    }
}
