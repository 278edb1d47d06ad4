import Postgres

@testable import Migrations

/// The history in memory, keeping `MigrationStore`'s contract, with a log of what was asked of it and a
/// way to make a write fail as the server would.
final class MemoryStore: MigrationStore {
    var historyName = "public.migrator_history"
    var appliedBy = "app"
    /// nil until `createHistory()`.
    private(set) var history: [MigrationVersion: HistoryRecord]?
    private(set) var calls: [String] = []
    /// The next write to this version fails.
    var failWrite: MigrationVersion?
    private(set) var locked = false

    init(records: [HistoryRecord]? = nil) {
        history = records.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.version, $0) }) }
    }

    func lock(wait: Double, reportInterval: Double, log: (String) -> Void) throws {
        precondition(!locked, "locked twice")
        locked = true
        calls.append("lock")
    }

    func unlock() {
        locked = false
        calls.append("unlock")
    }

    func transaction<T>(failed: (PostgresError) -> MigratorError, _ body: () throws -> T) throws -> T {
        let before = history
        calls.append("begin")
        do {
            let result = try body()
            calls.append("commit")
            return result
        } catch let error as PostgresError {
            history = before
            calls.append("rollback")
            throw failed(error)
        } catch {
            history = before
            calls.append("rollback")
            throw error
        }
    }

    func createHistory() throws {
        if history == nil { history = [:] }
    }

    func records() throws -> [HistoryRecord] {
        (history ?? [:]).values.sorted { $0.version < $1.version }
    }

    private func write(_ version: MigrationVersion, _ what: String, _ change: (inout [MigrationVersion: HistoryRecord]) -> Void) throws {
        precondition(locked, "\(what) without the lock")
        calls.append("\(what) \(version.recorded)")
        if failWrite == version { throw PostgresError(kind: .query, sqlState: "23505", message: "duplicate key value") }
        guard var h = history else { throw PostgresError(kind: .query, sqlState: "42P01", message: "relation does not exist") }
        change(&h)
        history = h
    }

    func insert(_ m: Migration, state: HistoryRecord.State, executionMs: Int, appliedBy: String) throws {
        try write(m.version, "insert") {
            $0[m.version] = HistoryRecord(
                version: m.version, name: m.name, checksum: m.checksum, state: state, appliedAt: "2026-12-05T00:00:00Z",
                executionMs: executionMs, appliedBy: appliedBy)
        }
    }

    func markApplied(_ version: MigrationVersion, executionMs: Int) throws {
        try write(version, "markApplied") {
            $0[version]?.state = .applied
            $0[version]?.executionMs = executionMs
        }
    }

    func setState(_ version: MigrationVersion, _ state: HistoryRecord.State) throws {
        try write(version, "setState") { $0[version]?.state = state }
    }

    func updateChecksum(_ version: MigrationVersion, to checksum: String) throws {
        try write(version, "updateChecksum") { $0[version]?.checksum = checksum }
    }

    func delete(_ version: MigrationVersion) throws {
        try write(version, "delete") { $0[version] = nil }
    }
}
