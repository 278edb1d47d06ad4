import Postgres

/// `MigrationStore` in PostgreSQL, over the session's connection.
final class PostgresStore: MigrationStore {
    let connection: Connection
    let history: HistoryTable
    let appliedBy: String
    private let config: MigratorConfig
    private let migrationLock: MigrationLock
    private var repeatable: RepeatableHistory?
    /// Records read while the files were (`SessionHead`): the answer to the first `records()` only.
    private var firstRecords: [HistoryRecord]?
    private var firstRepeatableRecords: [RepeatableHistory.Record]?

    init(_ connection: Connection, history: HistoryTable, config: MigratorConfig, appliedBy: String, head: SessionHead? = nil) {
        self.connection = connection
        self.history = history
        self.config = config
        self.appliedBy = appliedBy
        migrationLock = MigrationLock(connection: connection, history: history)
        firstRecords = head?.records
        firstRepeatableRecords = head?.repeatableRecords
    }

    var historyName: String { "\(history.schema).\(history.table)" }
    var historySchema: String { history.schema }

    func lock(wait: Double, reportInterval: Double, log: (String) -> Void) throws {
        try migrationLock.acquire(wait: wait, reportInterval: reportInterval, log: log)
    }

    func unlock() {
        migrationLock.release()
    }

    func migrationLockHolder() throws -> String? {
        try LockHolder.ofAdvisoryLock(migrationLock.key, on: connection)?.description
    }

    func transaction<T>(begin: String, failed: (StoreError) -> MigratorError, _ body: () throws -> T) throws -> T {
        try Self.transaction(connection, begin: begin, failed: failed, body)
    }

    /// Runs `body` between BEGIN (or `begin`, a section's own) and COMMIT. When the server refuses
    /// anything, the transaction is rolled back and `failed` (what was not done) is thrown with its error.
    static func transaction<T>(
        _ db: Connection, begin: String = "BEGIN", failed: (PostgresError) -> MigratorError, _ body: () throws -> T
    ) throws -> T {
        try db.exec(begin)
        do {
            let result = try body()
            try db.exec("COMMIT")
            return result
        } catch let error as PostgresError {
            _ = try? db.exec("ROLLBACK")
            throw failed(error)
        } catch {
            // A migration's failed statement: the transaction is aborted and still open.
            if db.transactionStatus != .idle { _ = try? db.exec("ROLLBACK") }
            throw error
        }
    }

    func createHistory() throws { try history.create() }
    func records() throws -> [HistoryRecord] {
        if let first = firstRecords {
            firstRecords = nil
            return first
        }
        return try history.records()
    }

    func recordCount() throws -> Int? {
        guard try history.exists() else { return nil }
        return try connection.exec("SELECT count(*) AS n FROM \(history.qualified)").value("n").flatMap { Int($0) }
    }

    func insert(_ migration: Migration, state: HistoryRecord.State, executionMs: Int, appliedBy: String) throws {
        try history.insert(migration, state: state, executionMs: executionMs, appliedBy: appliedBy)
    }

    func markApplied(_ version: MigrationVersion, executionMs: Int) throws { try history.markApplied(version, executionMs: executionMs) }
    func setState(_ version: MigrationVersion, _ state: HistoryRecord.State) throws { try history.setState(version, state) }
    func updateChecksum(_ version: MigrationVersion, to checksum: String) throws { try history.updateChecksum(version, to: checksum) }
    func delete(_ version: MigrationVersion) throws { try history.delete(version) }

    private func repeatableHistory() throws -> RepeatableHistory {
        if let repeatable { return repeatable }
        let made = try RepeatableHistory(history)
        repeatable = made
        return made
    }

    func createRepeatableHistory() throws { try repeatableHistory().create() }
    func repeatableRecords() throws -> [RepeatableHistory.Record] {
        if let first = firstRepeatableRecords {
            firstRepeatableRecords = nil
            return first
        }
        return try repeatableHistory().records()
    }

    func recordRepeatable(_ r: RepeatableMigration, executionMs: Int, appliedBy: String) throws {
        try repeatableHistory().record(r, executionMs: executionMs, appliedBy: appliedBy)
    }

    func execute(_ section: SQLSection, bytes: Range<Int>) throws {
        try section.withCString(bytes) { _ = try connection.exec(cString: $0) }
    }

    func runStatements(_ statements: SQLStatements) throws -> StatementRun? {
        try StatementRun.run(statements, db: connection)
    }

    func closeOpenTransaction() -> Bool {
        guard connection.transactionStatus != .idle else { return false }
        _ = try? connection.exec("ROLLBACK")
        return true
    }

    func resetSession(after section: SQLSection) throws {
        try DatabaseSession.reset(connection, config, after: section)
    }

    func blockingHolder(of section: SQLSection) -> String? {
        LockHolder.blocking(section, on: connection)
    }

    func legacyHistory(table: String) throws -> LegacyHistory? {
        try LegacyHistory.read(connection, schema: history.schema, table: table)
    }

    func findLegacyHistory() throws -> LegacyHistory? {
        try LegacyHistory.find(connection, historySchema: history.schema)
    }
}
