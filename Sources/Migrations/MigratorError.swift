import Postgres

/// Why a command failed, as values. The `migrator` executable words each case and decides its exit code
/// (Sources/migrator/FailureText.swift), so nothing here names a flag or a command.
public enum MigratorError: Error {
    /// Bad migration files: nothing ran.
    case files(MigrationFileError)
    /// No migration in the directory, and what is there instead: nothing ran.
    case noMigrations(NoMigrationsFound)
    /// A version given by the user that names no migration; `nearest` are the closest known ones.
    case unknownVersion(MigrationVersion, nearest: [MigrationVersion], option: VersionOption)
    /// `down` needs a down section that these migrations (labels) lack: nothing was rolled back.
    case noDownMigration([String])
    /// `down` reached a migration of a layout that has no down files at all (Prisma): nothing was rolled back.
    case layoutHasNoDowns(label: String, layout: MigrationLayout)
    /// A repeatable migration holds a statement that cannot run in a transaction (`reason`, when known).
    case repeatableNeedsTransaction(label: String, reason: String?)
    /// `repair` was asked for something the history does not allow.
    case repairRefused(RepairRefusal)
    /// `adopt` found nothing to adopt, another tool's table, or existing migrator history: nothing was changed.
    case adoptionRefused(AdoptionRefusal)
    /// `new` was given a name with nothing usable in it.
    case badMigrationName
    /// The connection string does not parse (libpq's message).
    case badDatabaseURL(String)
    /// No schema was given and the connection has none current.
    case noCurrentSchema
    /// A problem with the environment, worded by the library (no command or flag in it): TLS required,
    /// a directory that cannot be written.
    case usage(String)
    /// A migration failed and was rolled back (or, outside a transaction, left `running`).
    case migrationFailed(MigrationFailure)
    /// The database refused something outside a migration (history, lock).
    case database(String, PostgresError)
    /// `up`, `down` or `baseline` will not go past what the history records.
    case refused([Refusal])
    /// `validate` found drift.
    case drift([Drift])
    /// Another tool's history and no migrator history: the migrator will not guess what ran.
    case notAdopted(found: String, tool: LegacyHistory.Tool, history: String)
    /// The other tool's history cannot be adopted as it stands: nothing was recorded.
    case adoptionProblems([AdoptionProblem])
    /// Another migrator held the lock for longer than the wait.
    case lockTimeout(String)
    /// No connection within the wait.
    case connect(PostgresError, attempts: Int, seconds: Double)
}

/// Which of the user's version arguments named no migration.
public enum VersionOption: Sendable, Equatable {
    /// Where `up` stops or `down` goes back to.
    case target
    /// The migration `baseline` or `repair` acts on.
    case migration
}

/// Why `up`, `down` or `baseline` stops before changing anything.
public enum Refusal: Sendable, Equatable {
    /// Recorded running while a migrator holds the lock: being applied or rolled back now by `by`.
    case beingApplied(label: String, by: String)
    /// Recorded running with no migrator at it: one stopped outside a transaction; `files` are its up
    /// and down files, to check by hand.
    case leftRunning(version: MigrationVersion, label: String, files: [String])
    /// Applied, and its file changed since.
    case checksumChanged(version: MigrationVersion, label: String)
    /// Pending, but older than the newest applied migration.
    case outOfOrder(label: String)
}

/// What `validate` calls drift.
public enum Drift: Sendable, Equatable {
    case checksumChanged(label: String)
    case fileMissing(label: String)
    case leftRunning(label: String)
    case outOfOrder(label: String)
}

/// Why `repair` changed nothing.
public enum RepairRefusal: Sendable, Equatable {
    /// `--mark` resolves only a migration left running.
    case notLeftRunning(MigrationVersion)
    /// Accepting a checksum needs an applied migration.
    case notApplied(MigrationVersion)
    /// Accepting a checksum needs the file.
    case noFile(MigrationVersion)
}

/// Why `adopt` changed nothing before reading the old history.
public enum AdoptionRefusal: Sendable, Equatable {
    /// No such table (`table` as given, or schema.table).
    case noTable(String)
    /// The table was written by `found`, not the tool asked for.
    case otherTool(table: String, found: LegacyHistory.Tool, asked: LegacyHistory.Tool)
    /// The table is there, but no tool the migrator adopts from wrote it; `columns` as "name type, …".
    case notAHistoryTable(table: String, columns: String)
    /// The migrator's own history exists already, with `records` rows.
    case historyExists(history: String, records: String, legacy: String)
}

/// Why another tool's history cannot be adopted as it stands.
public enum AdoptionProblem: Sendable, Equatable {
    /// golang-migrate's row is dirty at `version`; `file` is its up file when there is one, `earlier` the
    /// version below it (-1 when none).
    case dirty(table: String, version: Int64, file: String?, earlier: Int64)
    /// golang-migrate's version has no file.
    case unknownLatest(table: String, version: Int64)
    /// dbmate lists a version that is not a number.
    case notAVersion(table: String, text: String)
    /// dbmate, goose or Prisma lists versions no file has.
    case noFiles(table: String, versions: [MigrationVersion])
    /// Prisma: these migrations started and never finished nor were rolled back (a failed deploy).
    case unfinished(table: String, migrations: [String])
    /// Prisma: the migration recorded as `recorded` is in a folder named `folder` today.
    case renamed(table: String, recorded: String, version: String, folder: String)
    /// Prisma: `file` was edited after it was applied; its SHA-256 and the one recorded.
    case edited(table: String, file: String, checksum: String, recorded: String)
    /// Flyway: these migrations ("VERSION (SCRIPT)") are recorded with `success = false`.
    case failed(table: String, scripts: [String])
    /// Flyway: `file` was edited after it was applied; its Flyway checksum (CRC-32) and the one recorded.
    case editedSinceFlyway(table: String, file: String, checksum: String, recorded: String)
}

/// A migration that the server rejected, located in its file, and what it left behind.
public struct MigrationFailure: Sendable {
    public var migration: String
    public var version: MigrationVersion?
    public var file: String
    public var line: Int?
    public var column: Int?
    public var error: PostgresError
    /// For a migration outside a transaction: what took effect, so the person knows what to check and run next.
    public var aftermath: Aftermath?
    /// Set when lock retries were on and this failure ended them.
    public var lockAttempts: LockAttempts?

    /// What a migration run outside a transaction left behind when it stopped.
    public enum Aftermath: Sendable, Equatable {
        /// `up` stopped and nothing of it took effect: no history row either.
        case upUndone
        /// `up` stopped partway: it stays recorded running; `invalidIndex` names the statement that may
        /// leave an INVALID index behind.
        case upPartial(StatementsRun, invalidIndex: String?)
        /// `up` left a BEGIN without its COMMIT, which was rolled back.
        case upLeftTransactionOpen
        /// `down` stopped and nothing of it took effect: the migration is still applied.
        case downUndone
        /// `down` stopped partway: it is recorded running.
        case downPartial(StatementsRun)
        /// `down` left a BEGIN without its COMMIT, which was rolled back.
        case downLeftTransactionOpen
    }

    /// Which statements of a section run outside a transaction took effect.
    public struct StatementsRun: Sendable, Equatable {
        /// The file's line of the first statement that did not take effect, when some before it did.
        public var firstUncommittedLine: Int?
        /// The failure happened inside a transaction block the SQL had opened; it was rolled back.
        public var rolledBackOpenTransaction: Bool
    }

    /// How often a migration was tried under `lockRetries`, and whether it stopped early because part of it took effect.
    public struct LockAttempts: Sendable, Equatable {
        public var tried: Int
        public var retries: Int
        public var partTookEffect: Bool
    }
}
