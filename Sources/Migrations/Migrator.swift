import Postgres
import System

/// The migrator's commands over one database. Each public method is one command of the executable; each
/// has its own file (`Migrator+Up.swift`, `+Down`, `+Status`, `+Repair`, `+Adopt`).
///
/// Progress goes to `log`, one event per line, because inside an ECS task every line becomes a
/// CloudWatch Logs event. Nothing logged contains the connection string or its password.
public final class Migrator {
    public enum DownTarget: Sendable, Equatable {
        case steps(Int)
        case to(MigrationVersion)
        case all
    }

    public enum RepairAction: Sendable, Equatable {
        /// A migration left running did take effect: record it as applied.
        case markApplied
        /// A migration left running did not take effect (or was undone by hand): forget it.
        case markPending
        /// An applied migration's file was edited on purpose: record the new checksum.
        case acceptChecksum
    }

    let config: MigratorConfig
    let progress: (MigrationProgress) -> Void
    var lockRetry: LockRetryPolicy
    /// Which files stay in memory once read: up to `config.residentBytes` in all; the others are read again,
    /// one at a time, when they run.
    let resident: ResidentFiles

    /// In the tests: the history in memory instead of a database (see `withStore`).
    let storeForTests: MigrationStore?

    public convenience init(config: MigratorConfig, log: @escaping (MigrationProgress) -> Void) {
        self.init(config: config, log: log, store: nil)
    }

    init(config: MigratorConfig, log: @escaping (MigrationProgress) -> Void, store: MigrationStore?) {
        self.config = config
        progress = log
        storeForTests = store
        lockRetry = LockRetryPolicy(retries: config.lockRetries)
        resident = ResidentFiles(limit: config.residentBytes)
    }

    /// A line of the library's own words.
    func log(_ line: String) {
        progress(.note(line))
    }

    /// The migrations on disk; bad files, or none at all, stop everything here.
    public func migrations() throws -> [Migration] {
        do {
            return try MigrationSource.load(directory: config.directory, resident: resident)
        } catch let error as MigrationFileError {
            throw MigratorError.files(error)
        } catch let found as NoMigrationsFound {
            throw MigratorError.noMigrations(found)
        }
    }

    /// The `R__NAME.sql` files, in name order; bad ones stop everything.
    public func repeatableMigrations() throws -> [RepeatableMigration] {
        do {
            return try RepeatableMigration.load(directory: config.directory, resident: resident)
        } catch let error as MigrationFileError {
            throw MigratorError.files(error)
        }
    }

    /// Every missing placeholder value (file:line) in the sections about to run, listed before anything
    /// runs, and the run's placeholders line. The sections are read one at a time and nothing is kept.
    func checkPlaceholders(_ sections: [SQLSection]) throws {
        guard !config.placeholders.isEmpty || sections.contains(where: \.substitutesAlways) else { return }
        var problems: [MigrationFileError.Problem] = []
        for section in sections { problems += config.placeholders.missingValues(in: try section.loaded()) }
        guard problems.isEmpty else { throw MigratorError.files(MigrationFileError(problems: problems, what: "placeholders")) }
        if !config.placeholders.isEmpty { log("placeholders: \(config.placeholders.summary)") }
    }

    /// A section as it runs: in memory (read again if it was let go) and its placeholders substituted. The
    /// checksums stay those of the files.
    func runnable(_ section: SQLSection) throws -> SQLSection {
        let loaded = try section.loaded()
        guard !config.placeholders.isEmpty || loaded.substitutesAlways else { return loaded }
        do {
            return try config.placeholders.substitute([loaded])[0]
        } catch let error as MigrationFileError {
            throw MigratorError.files(error)
        }
    }

    /// Refuses a version that names no migration, listing the nearest ones.
    static func requireKnown(_ version: MigrationVersion, among versions: [MigrationVersion], option: VersionOption) throws {
        let known = Set(versions).sorted()
        guard !known.contains(version) else { return }
        let below = known.filter { $0 < version }.suffix(2)
        let above = known.filter { $0 > version }.prefix(2)
        throw MigratorError.unknownVersion(version, nearest: Array(below + above), option: option)
    }

    // MARK: - session

    /// Runs `load` (reading the migration files) while the session is being opened, then `body` with what
    /// it loaded and the history in the store: the tests' store when one was given, else PostgreSQL's.
    /// Bad files stop everything as before; the session, if it opened, is closed unused.
    func withStore<Loaded, T>(
        locked: Bool, whileConnecting load: () throws -> Loaded, _ body: (Loaded, MigrationStore) throws -> T
    ) throws -> T {
        guard let store = storeForTests else {
            return try withSession(locked: locked, whileConnecting: load, body)
        }
        let loaded = try load()
        if locked { try store.lock(wait: config.lockWait, reportInterval: config.lockReportInterval, log: log) }
        defer { if locked { store.unlock() } }
        return try body(loaded, store)
    }

    /// `withStore` over PostgreSQL: the session, its history table (upgraded in place under the lock) and
    /// the lock, with the server's errors named by what was being done.
    private func withSession<Loaded, T>(
        locked: Bool, whileConnecting load: () throws -> Loaded, _ body: (Loaded, MigrationStore) throws -> T
    ) throws -> T {
        let config = config
        let opening = DatabaseSession.start(config) { SessionHead.read($0, config, locking: locked) }
        let loaded: Loaded
        do {
            loaded = try load()
        } catch {
            opening.abandon()
            throw error
        }
        let opened = try opening.opened(log: log)
        let db = opened.connection
        let history: HistoryTable
        do {
            history = try opened.head?.history ?? HistoryTable(connection: db, schema: config.schema, table: config.table)
        } catch let error as PostgresError {
            throw MigratorError.database("reading the history table failed", error)
        }
        let appliedBy = [db.user, config.appliedByExtra].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        let store = PostgresStore(db, history: history, config: config, appliedBy: appliedBy, head: opened.head)
        guard locked else {
            do { return try body(loaded, store) } catch let error as PostgresError {
                throw MigratorError.database("reading \(history.schema).\(history.table) failed", error)
            }
        }
        let head = opened.head?.locked == true ? opened.head : nil
        if head == nil {
            do {
                try store.lock(wait: config.lockWait, reportInterval: config.lockReportInterval, log: log)
            } catch let error as PostgresError {
                throw MigratorError.database("taking the migration lock failed", error)
            }
        }
        defer { store.unlock() }
        do {
            // Records read under the lock were read from a table that needed no upgrade.
            if head?.records == nil, try history.upgrade() {
                log(
                    "upgraded \(history.schema).\(history.table): versions are now kept as text, ordered by its new version_order column; "
                        + "rows and checksums are unchanged")
            }
            return try body(loaded, store)
        } catch let error as PostgresError {
            throw MigratorError.database("updating \(history.schema).\(history.table) failed", error)
        }
    }
}

/// One line of a run's progress. Most are the library's own words (`note`); those that point at the
/// executable's commands or flags are values, which the executable words.
public enum MigrationProgress: Sendable, Equatable {
    case note(String)
    /// `up --to` stopped short of the newest migration, so repeatable migrations were left alone.
    case repeatablesNotRun(target: MigrationVersion)
    /// `adopt`'s count: `recorded` migrations recorded as applied (or, in a dry run, that would be), `left` for `up`.
    case adoptionCounted(recorded: Int, left: Int, dryRun: Bool)
    /// `adopt` is done: `legacy` (schema.table) was adopted and `table` left as it is.
    case adopted(legacy: String, table: String, recorded: Int, left: Int)
}
