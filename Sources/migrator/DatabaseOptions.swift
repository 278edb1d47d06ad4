import ArgumentParser
import Durations
import Migrations
import System

/// Options every database command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp("libpq connection string or URL (default: DATABASE_URL, then the PG* variables).", valueName: "url"))
    var databaseURL: String?

    @Option(
        name: .customLong("dir"),
        help: ArgumentHelp("Migrations directory (default: MIGRATIONS_DIR, then ./migrations).", valueName: "path"))
    var directory: String?

    @Option(help: "History table name.")
    var table: String = "migrator_history"

    @Option(help: "Schema of the history table (default: the connection's current schema).")
    var schema: String?

    @Option(
        help: ArgumentHelp(
            "Keep retrying the connection this long, e.g. 2m (for a database that is still starting).", valueName: "duration"))
    var wait: String = "0s"

    @Option(
        name: .customLong("lock-wait"),
        help: ArgumentHelp("Give up waiting for another migrator's lock after this long (exit 4).", valueName: "duration"))
    var lockWait: String = "10m"

    @Option(
        name: .customLong("statement-timeout"), help: ArgumentHelp("Session statement_timeout, e.g. 5m (0: none).", valueName: "duration"))
    var statementTimeout: String?

    @Option(
        name: .customLong("lock-timeout"),
        help: ArgumentHelp(
            "Session lock_timeout, so DDL gives up instead of queueing behind production traffic, e.g. 10s.", valueName: "duration"))
    var lockTimeout: String?

    @Flag(
        name: .customLong("rds-iam"),
        help: "Connect with an RDS IAM token instead of a password (default: MIGRATOR_RDS_IAM). Needs sslmode=require or stricter.")
    var rdsIAM = false

    /// The values parsed, for the code that runs a command whoever parsed it (ArgumentParser or `QuickStart`).
    var settings: DatabaseSettings {
        DatabaseSettings(
            databaseURL: databaseURL, directory: directory, table: table, schema: schema, wait: wait, lockWait: lockWait,
            statementTimeout: statementTimeout, lockTimeout: lockTimeout, rdsIAM: rdsIAM)
    }

    func validate() throws {
        try settings.validate()
    }

    /// A session timeout in whole milliseconds: 0 turns it off, as in PostgreSQL; anything above 0 is at
    /// least 1 ms, so a short timeout never turns into none.
    static func milliseconds(_ text: String) -> Int? {
        guard let seconds = try? DurationText.seconds(text, allowingZero: true) else { return nil }
        return seconds == 0 ? 0 : max(1, Int((seconds * 1000).rounded(.up)))
    }
}

/// `DatabaseOptions`' values, with their defaults.
struct DatabaseSettings: Equatable {
    var databaseURL: String?
    var directory: String?
    var table = "migrator_history"
    var schema: String?
    var wait = "0s"
    var lockWait = "10m"
    var statementTimeout: String?
    var lockTimeout: String?
    var rdsIAM = false

    func validate() throws {
        do {
            _ = try RDSIAMPassword.enabled(byEnvironment: ProcessEnvironment.current["MIGRATOR_RDS_IAM"])
        } catch {
            throw ValidationError("\(error)")
        }
        for (flag, value) in [
            ("--wait", wait), ("--lock-wait", lockWait), ("--statement-timeout", statementTimeout ?? "1s"),
            ("--lock-timeout", lockTimeout ?? "1s"),
        ] {
            let seconds: Double
            do {
                seconds = try DurationText.seconds(value, allowingZero: true)
            } catch let error as DurationText.Invalid where error.tooLong {
                throw ValidationError("\(flag): '\(value)' is longer than the longest accepted, 365d")
            } catch {
                throw ValidationError("\(flag): '\(value)' is not a duration; use e.g. 500ms, 30s, 10m or 1h")
            }
            // PostgreSQL keeps these settings as a 32-bit count of milliseconds.
            if flag.hasSuffix("-timeout"), seconds * 1000 > Double(Int32.max) {
                throw ValidationError("\(flag): '\(value)' is longer than PostgreSQL accepts (at most 24d)")
            }
        }
        if table.isEmpty { throw ValidationError("--table must not be empty") }
    }

    func config() -> MigratorConfig {
        let env = ProcessEnvironment.current
        return MigratorConfig(
            databaseURL: databaseURL ?? env["DATABASE_URL"] ?? "",
            directory: directory ?? env["MIGRATIONS_DIR"] ?? "migrations",
            table: table,
            schema: schema,
            wait: (try? DurationText.seconds(wait, allowingZero: true)) ?? 0,
            lockWait: (try? DurationText.seconds(lockWait, allowingZero: true)) ?? 600,
            statementTimeoutMs: statementTimeout.flatMap(DatabaseOptions.milliseconds),
            lockTimeoutMs: lockTimeout.flatMap(DatabaseOptions.milliseconds),
            appliedByExtra: ECSTaskIdentity.taskARN(environment: env),
            password: usesRDSIAM(env) ? RDSIAMPassword.password(environment: env) : nil)
    }

    /// The flag wins; validate() has already refused a bad MIGRATOR_RDS_IAM.
    private func usesRDSIAM(_ env: [String: String]) -> Bool {
        rdsIAM || ((try? RDSIAMPassword.enabled(byEnvironment: env["MIGRATOR_RDS_IAM"])) ?? nil) == true
    }

    /// The one way a command builds its `Migrator`: this config, changed by `configure` for the command's own options.
    func migrator(_ configure: (inout MigratorConfig) throws -> Void = { _ in }) rethrows -> Migrator {
        var config = config()
        try configure(&config)
        return Migrator(config: config, log: Output.progress)
    }
}
