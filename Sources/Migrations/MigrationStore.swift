import Postgres

/// The server's error as a store reports it: the commands read its SQLSTATE and position, and word it,
/// but never reach the connection it came from.
typealias StoreError = PostgresError

/// Everything the migrator asks of its database: the history and its lock, running a migration's SQL in
/// or outside a transaction, and reading another tool's history to adopt. `PostgresStore` keeps it over a
/// libpq `Connection`; the tests' `MemoryStore` keeps it in memory, so that what the commands decide is
/// tested without a server.
///
/// The contract, which both keep:
/// - `records()` lists every record, oldest version first, and is empty while the history does not exist;
///   `createHistory()` makes it (and its schema) when missing and is harmless when it exists;
///   `recordCount()` is nil while the history does not exist. The repeatable history works the same way
///   (`createRepeatableHistory()` after `createHistory()`), one record per name, which `recordRepeatable`
///   replaces.
/// - The writes change the one record of `version` and nothing else; a write to a version with no record
///   changes nothing.
/// - `transaction` opens a transaction with `begin` (a section's own BEGIN, or "BEGIN") and commits
///   everything `body` wrote, the SQL it ran included, or nothing when `body` throws: then a `StoreError`
///   is thrown as `failed(error)`, anything else as it is.
/// - `execute` runs bytes of a section inside the open transaction, as sent to the server; it throws the
///   server's `StoreError` and leaves the rollback to `transaction`.
/// - `runStatements` runs statements outside any transaction of the migrator's, one at a time, each
///   committed as it ends unless the SQL opened its own block; it stops at the first failure and returns
///   what took effect (nil when all ran). `closeOpenTransaction()`, asked after it, rolls back a block the
///   SQL left open and says whether there was one.
/// - `resetSession(after:)` puts the session's settings and role back as they were opened when the SQL
///   may have changed them; it is called before the history row is written.
/// - `lock` returns once this session holds the migration lock, waiting at most `wait` seconds (then it
///   throws `MigratorError.lockTimeout`) and logging who holds it every `reportInterval` seconds;
///   `unlock` releases it, and never throws. `migrationLockHolder()` names the session holding it, if any.
/// - `blockingHolder(of:)` names who holds the table locks a section gave up waiting for; nil when it
///   cannot tell. It only explains, so it never throws.
/// - `legacyHistory(table:)` reads another tool's history table (a name in `historySchema`, or
///   schema.name), nil when there is none, and throws `.adoptionRefused(.notAHistoryTable)` when no known
///   tool wrote it; `findLegacyHistory()` finds one in the usual places, nil when there is none.
protocol MigrationStore: AnyObject {
    /// schema.table of the history, for messages.
    var historyName: String { get }
    /// The schema the history is in.
    var historySchema: String { get }
    /// Who records: the database role, and the task it runs in when known.
    var appliedBy: String { get }

    func lock(wait: Double, reportInterval: Double, log: (String) -> Void) throws
    func unlock()
    func migrationLockHolder() throws -> String?
    func transaction<T>(begin: String, failed: (StoreError) -> MigratorError, _ body: () throws -> T) throws -> T

    func createHistory() throws
    func records() throws -> [HistoryRecord]
    func recordCount() throws -> Int?
    func insert(_ migration: Migration, state: HistoryRecord.State, executionMs: Int, appliedBy: String) throws
    func markApplied(_ version: MigrationVersion, executionMs: Int) throws
    /// Only the state; when and how long it was applied stay.
    func setState(_ version: MigrationVersion, _ state: HistoryRecord.State) throws
    func updateChecksum(_ version: MigrationVersion, to checksum: String) throws
    func delete(_ version: MigrationVersion) throws

    func createRepeatableHistory() throws
    func repeatableRecords() throws -> [RepeatableHistory.Record]
    func recordRepeatable(_ r: RepeatableMigration, executionMs: Int, appliedBy: String) throws

    func execute(_ section: SQLSection, bytes: Range<Int>) throws
    func runStatements(_ statements: SQLStatements) throws -> StatementRun?
    func closeOpenTransaction() -> Bool
    func resetSession(after section: SQLSection) throws
    func blockingHolder(of section: SQLSection) -> String?

    func legacyHistory(table: String) throws -> LegacyHistory?
    func findLegacyHistory() throws -> LegacyHistory?
}

extension MigrationStore {
    func transaction<T>(failed: (StoreError) -> MigratorError, _ body: () throws -> T) throws -> T {
        try transaction(begin: "BEGIN", failed: failed, body)
    }
}
