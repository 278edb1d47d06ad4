import FoundationEssentials
import Postgres
import XCTest

@testable import Migrations

/// A directory of golang-migrate files and a `Migrator` over a `MemoryStore`, for the commands' unit tests.
class CommandFixture: XCTestCase {
    var directory = ""
    var lines: [String] = []
    var events: [MigrationProgress] = []

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("commands-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        lines = []
        events = []
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes `name` (say "0002_orders.up.sql") with `sql`.
    func file(_ name: String, _ sql: String) throws {
        try sql.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
    }

    func migrator(_ store: MemoryStore, lockRetries: Int = 0) -> Migrator {
        let m = Migrator(
            config: MigratorConfig(databaseURL: "", directory: directory, lockRetries: lockRetries),
            log: { [unowned self] in
                events.append($0)
                if case .note(let line) = $0 { lines.append(line) }
            }, store: store)
        m.lockRetry.sleep = { _ in }
        return m
    }

    func files() throws -> [Migration] {
        try migrator(MemoryStore()).migrations()
    }

    func record(_ m: Migration, _ state: HistoryRecord.State = .applied, checksum: String? = nil) -> HistoryRecord {
        HistoryRecord(
            version: m.version, name: m.name, checksum: checksum ?? m.checksum, state: state, appliedAt: "2026-12-01T00:00:00Z",
            executionMs: 7, appliedBy: "app")
    }

    /// What `lock_timeout` raises.
    static let lockTimedOut = PostgresError(kind: .query, sqlState: "55P03", message: "canceling statement due to lock timeout")
}
