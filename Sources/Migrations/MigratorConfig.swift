/// Everything a migrator command needs, as plain values. The executable builds it from flags and the
/// environment; the library never reads either.
public struct MigratorConfig: Sendable {
    /// A libpq connection string or URL; empty means the `PG*` variables alone.
    public var databaseURL: String
    public var directory: String
    /// History table name and, when set, its schema (otherwise the connection's current schema).
    public var table: String
    public var schema: String?
    /// Seconds to keep retrying the first connection.
    public var wait: Double
    /// Seconds to wait for another migrator's lock.
    public var lockWait: Double
    /// Session settings, in milliseconds; nil leaves the server's default.
    public var statementTimeoutMs: Int?
    public var lockTimeoutMs: Int?
    /// How often `up` retries a migration that gave up waiting for a lock (see `LockRetryPolicy`).
    public var lockRetries: Int
    /// Recorded in the history with the database user, e.g. the ECS task ARN.
    public var appliedByExtra: String?
    /// How often to report who holds the lock while waiting.
    public var lockReportInterval: Double
    /// Made for each connection attempt instead of the URL's or `PGPASSWORD`'s (RDS IAM).
    public var password: ConnectionPassword?
    /// Values for `${name}` in migration SQL; empty leaves the SQL as on disk.
    public var placeholders = Placeholders()
    /// Bytes of migration files kept in memory after they are read; files beyond it are read again, one at a
    /// time, when they run (see `ResidentFiles`).
    public var residentBytes = ResidentFiles.defaultLimit

    public init(
        databaseURL: String, directory: String = "migrations", table: String = "migrator_history",
        schema: String? = nil, wait: Double = 0, lockWait: Double = 600,
        statementTimeoutMs: Int? = nil, lockTimeoutMs: Int? = nil, appliedByExtra: String? = nil,
        lockReportInterval: Double = 10, lockRetries: Int = 0, password: ConnectionPassword? = nil
    ) {
        self.databaseURL = databaseURL
        self.directory = directory
        self.table = table
        self.schema = schema
        self.wait = wait
        self.lockWait = lockWait
        self.statementTimeoutMs = statementTimeoutMs
        self.lockTimeoutMs = lockTimeoutMs
        self.appliedByExtra = appliedByExtra
        self.lockReportInterval = lockReportInterval
        self.lockRetries = lockRetries
        self.password = password
    }
}
