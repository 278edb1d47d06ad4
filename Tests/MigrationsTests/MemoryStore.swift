import Postgres

@testable import Migrations

/// The history in memory, keeping `MigrationStore`'s contract, with a log of what was asked of it and
/// ways to make a write or a statement fail as the server would. Its SQL changes nothing but `executed`.
final class MemoryStore: MigrationStore {
    var historyName = "public.migrator_history"
    var historySchema = "public"
    var appliedBy = "app"
    /// nil until `createHistory()`.
    private(set) var history: [MigrationVersion: HistoryRecord]?
    /// nil until `createRepeatableHistory()`.
    private(set) var repeatable: [String: RepeatableHistory.Record]?
    private(set) var calls: [String] = []
    /// The next write to this version fails.
    var failWrite: MigrationVersion?
    private(set) var locked = false
    /// The SQL that took effect (committed, or run outside a transaction), in order.
    private(set) var executed: [String] = []
    /// Every SQL text sent, failed attempts included.
    private(set) var sent: [String] = []
    /// SQL containing the key fails with the error, once per error queued.
    var sqlFailures: [String: [PostgresError]] = [:]
    /// Another tool's history table in the database, if any.
    var legacy: LegacyHistory?
    /// Who holds the migration lock (for `status`) and the tables a section waits for.
    var lockHolder: String?
    var blocker: String?
    /// Set by `transaction`: SQL run now commits with it or not at all.
    private var inTransaction = false

    init(records: [HistoryRecord]? = nil) {
        history = records.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.version, $0) }) }
    }

    func lock(wait: Double, reportInterval: Double, log: (String) -> Void) throws {
        precondition(!locked, "locked twice")
        calls.append("lock")
        // Another migrator holds it for longer than we wait.
        if let lockHolder { throw MigratorError.lockTimeout("gave up waiting for the migration lock; held by \(lockHolder)") }
        locked = true
    }

    func unlock() {
        locked = false
        calls.append("unlock")
    }

    func migrationLockHolder() throws -> String? { lockHolder }

    func transaction<T>(begin: String, failed: (PostgresError) -> MigratorError, _ body: () throws -> T) throws -> T {
        let before = (history, repeatable, executed)
        calls.append("begin")
        inTransaction = true
        defer { inTransaction = false }
        do {
            let result = try body()
            calls.append("commit")
            return result
        } catch let error as PostgresError {
            (history, repeatable, executed) = before
            calls.append("rollback")
            throw failed(error)
        } catch {
            (history, repeatable, executed) = before
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

    func recordCount() throws -> Int? { history?.count }

    func createRepeatableHistory() throws {
        precondition(history != nil, "the repeatable history before the history")
        if repeatable == nil { repeatable = [:] }
    }

    func repeatableRecords() throws -> [RepeatableHistory.Record] {
        (repeatable ?? [:]).values.sorted { $0.name < $1.name }
    }

    func recordRepeatable(_ r: RepeatableMigration, executionMs: Int, appliedBy: String) throws {
        precondition(locked, "recordRepeatable without the lock")
        calls.append("recordRepeatable \(r.name)")
        guard repeatable != nil else { throw PostgresError(kind: .query, sqlState: "42P01", message: "relation does not exist") }
        repeatable![r.name] = RepeatableHistory.Record(
            name: r.name, checksum: r.checksum, appliedAt: "2026-12-05T00:00:00Z", executionMs: executionMs)
    }

    /// Sends `sql`: throws the next failure queued for it, else it takes effect.
    private func send(_ sql: String) throws {
        sent.append(sql)
        if let key = sqlFailures.keys.sorted().first(where: { sql.contains($0) }), var queue = sqlFailures[key], !queue.isEmpty {
            let error = queue.removeFirst()
            sqlFailures[key] = queue.isEmpty ? nil : queue
            throw error
        }
        executed.append(sql)
    }

    func execute(_ section: SQLSection, bytes: Range<Int>) throws {
        precondition(inTransaction, "execute outside a transaction")
        try send(section.text(bytes))
    }

    func runStatements(_ statements: SQLStatements) throws -> StatementRun? {
        precondition(!inTransaction, "runStatements inside a transaction")
        var committedSome = false
        for statement in statements {
            do {
                try send(statement.text)
            } catch let error as PostgresError {
                return StatementRun(
                    statement: statement, error: error, tookEffect: committedSome,
                    firstUncommittedLine: committedSome ? statement.line : nil, rolledBackOpenTransaction: false,
                    mayLeaveInvalidIndex: false, statementKind: nil)
            }
            committedSome = true
        }
        return nil
    }

    func closeOpenTransaction() -> Bool { false }
    func resetSession(after section: SQLSection) throws {}
    func blockingHolder(of section: SQLSection) -> String? { blocker }

    func legacyHistory(table: String) throws -> LegacyHistory? {
        guard let legacy, table == legacy.table || table == legacy.name else { return nil }
        return legacy
    }

    func findLegacyHistory() throws -> LegacyHistory? { legacy }

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
