import Postgres

/// What the migrator needs from its database to keep the history: read it, record, mark and delete
/// migrations, all under one lock and in transactions. `PostgresStore` keeps it in PostgreSQL; the tests'
/// `MemoryStore` keeps it in memory, so that what the commands decide is tested without a server.
///
/// The contract, which both keep:
/// - `records()` lists every record, oldest version first, and is empty while the history does not exist;
///   `createHistory()` makes it (and its schema) when missing and is harmless when it exists.
/// - The writes change the one record of `version` and nothing else; a write to a version with no record
///   changes nothing.
/// - `transaction` commits everything `body` wrote, or nothing when `body` throws: then a `PostgresError`
///   is thrown as `failed(error)`, anything else as it is.
/// - `lock` returns once this session holds the migration lock, waiting at most `wait` seconds (then it
///   throws `MigratorError.lockTimeout`) and logging who holds it every `reportInterval` seconds;
///   `unlock` releases it, and never throws.
protocol MigrationStore: AnyObject {
    /// schema.table of the history, for messages.
    var historyName: String { get }
    /// Who records: the database role, and the task it runs in when known.
    var appliedBy: String { get }

    func lock(wait: Double, reportInterval: Double, log: (String) -> Void) throws
    func unlock()
    func transaction<T>(failed: (PostgresError) -> MigratorError, _ body: () throws -> T) throws -> T

    func createHistory() throws
    func records() throws -> [HistoryRecord]
    func insert(_ migration: Migration, state: HistoryRecord.State, executionMs: Int, appliedBy: String) throws
    func markApplied(_ version: MigrationVersion, executionMs: Int) throws
    /// Only the state; when and how long it was applied stay.
    func setState(_ version: MigrationVersion, _ state: HistoryRecord.State) throws
    func updateChecksum(_ version: MigrationVersion, to checksum: String) throws
    func delete(_ version: MigrationVersion) throws
}

/// The history in PostgreSQL, over the session's connection.
final class PostgresStore: MigrationStore {
    let connection: Connection
    let history: HistoryTable
    let appliedBy: String
    private let migrationLock: MigrationLock

    init(_ connection: Connection, history: HistoryTable, appliedBy: String) {
        self.connection = connection
        self.history = history
        self.appliedBy = appliedBy
        migrationLock = MigrationLock(connection: connection, history: history)
    }

    var historyName: String { "\(history.schema).\(history.table)" }

    func lock(wait: Double, reportInterval: Double, log: (String) -> Void) throws {
        try migrationLock.acquire(wait: wait, reportInterval: reportInterval, log: log)
    }

    func unlock() {
        migrationLock.release()
    }

    func transaction<T>(failed: (PostgresError) -> MigratorError, _ body: () throws -> T) throws -> T {
        try Self.transaction(connection, failed: failed, body)
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
            // A failed statement of a migration has been rolled back already (`runInTransaction`).
            if db.transactionStatus != .idle { _ = try? db.exec("ROLLBACK") }
            throw error
        }
    }

    func createHistory() throws { try history.create() }
    func records() throws -> [HistoryRecord] { try history.records() }

    func insert(_ migration: Migration, state: HistoryRecord.State, executionMs: Int, appliedBy: String) throws {
        try history.insert(migration, state: state, executionMs: executionMs, appliedBy: appliedBy)
    }

    func markApplied(_ version: MigrationVersion, executionMs: Int) throws { try history.markApplied(version, executionMs: executionMs) }
    func setState(_ version: MigrationVersion, _ state: HistoryRecord.State) throws { try history.setState(version, state) }
    func updateChecksum(_ version: MigrationVersion, to checksum: String) throws { try history.updateChecksum(version, to: checksum) }
    func delete(_ version: MigrationVersion) throws { try history.delete(version) }
}
