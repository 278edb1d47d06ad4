import Hashing
import Postgres
import System

/// Opens the migrator's session: retries with backoff for up to `wait` seconds (a first deploy's RDS
/// instance may not resolve or accept connections yet), then applies the session settings.
enum DatabaseSession {
    static func open(_ config: MigratorConfig, log: (String) -> Void) throws -> Connection {
        try start(config).finish(log: log)
    }

    /// Makes the first attempt on another thread, so that the caller can read the migration files
    /// meanwhile: connecting (the server starting a backend, TLS, SCRAM) and reading and checksumming the
    /// files each take about half of a no-op run, and neither needs the other. `then`, when given, runs on that thread too, as soon as the first attempt has connected: what the
    /// caller will ask the session first (`SessionHead`), asked while the caller is still busy.
    static func start(_ config: MigratorConfig, then head: ((Connection) -> SessionHead?)? = nil) -> Opening {
        // A program that may end while an abandoned first attempt is still logging in must end with
        // `ProcessEnd.now`, as the migrator does; this covers OpenSSL's part for one that calls `exit()`.
        CryptoLibrary.keepUntilExit()
        return Opening(
            config: config, start: SystemClock.shared.now(),
            first: BackgroundWork {
                Result {
                    let connection = try attempt(config)
                    return Opened(connection: connection, head: head?(connection))
                }
            })
    }

    /// An open session, and what its first attempt's thread read in it (nil after a retry).
    struct Opened {
        let connection: Connection
        let head: SessionHead?
    }

    /// A session being opened. Either `finish` it or `abandon` it, once.
    struct Opening {
        let config: MigratorConfig
        let start: Double
        let first: BackgroundWork<Result<Opened, Error>>

        /// The first attempt's connection, or the retries' when it failed as a server that is not there (yet) fails.
        func finish(log: (String) -> Void) throws -> Connection {
            try opened(log: log).connection
        }

        /// As `finish`, with what the first attempt read.
        func opened(log: (String) -> Void) throws -> Opened {
            var result = first.wait()
            var delay = 0.25
            var attempts = 1
            var lastReport = start
            while true {
                do {
                    return try result.get()
                } catch let error as PostgresError where error.kind == .connection && isBadSetting(error) {
                    throw MigratorError.usage("bad connection setting: \(error.message)")
                } catch let error as PostgresError where error.kind == .connection {
                    let elapsed = SystemClock.shared.now() - start
                    // A server that answered "no" (wrong password, unknown database or role, pg_hba) will say it again.
                    if elapsed >= config.wait || isRefusal(error) {
                        throw MigratorError.connect(error, attempts: attempts, seconds: elapsed)
                    }
                    if SystemClock.shared.now() - lastReport >= 5 || attempts == 1 {
                        log("waiting for the database (\(Int(elapsed)) s of \(Int(config.wait)) s): \(error.message)")
                        lastReport = SystemClock.shared.now()
                    }
                    // The last attempt comes when the wait is up, not one backoff step before it.
                    SystemClock.shared.sleep(min(delay, config.wait - elapsed))
                    delay = min(delay * 2, 5)
                } catch let error as PostgresError where error.kind == .badConnectionString {
                    throw MigratorError.badDatabaseURL(error.message)
                }
                attempts += 1
                result = Result { Opened(connection: try attempt(config), head: nil) }
            }
        }

        /// Nothing will use the session (the files were bad): it is closed as soon as it is open.
        func abandon() {
            first.abandon { _ in }
        }
    }

    private static func attempt(_ config: MigratorConfig) throws -> Connection {
        let target = try config.password?.target(for: config.databaseURL)
        let connection = try Connection(
            config.databaseURL, connectTimeout: 10, applicationName: "migrator",
            password: try makePassword(config.password, target))
        try configure(connection, config)
        return connection
    }

    private static func makePassword(_ password: ConnectionPassword?, _ target: ConnectionTarget?) throws -> String? {
        guard let password, let target else { return nil }
        do {
            return try password.make(target)
        } catch {
            // The maker's errors name the cause (no credentials, no region), never the token.
            throw MigratorError.usage("\(password.name): \(error)")
        }
    }

    /// libpq's complaints about a connection parameter's value, e.g. `invalid sslmode value: "bogus"`.
    static func isBadSetting(_ error: PostgresError) -> Bool {
        error.message.hasPrefix("invalid ") && (error.message.contains(" value") || error.message.hasPrefix("invalid port number"))
    }

    /// The server's definite refusals, as opposed to a server that is not there (yet).
    static func isRefusal(_ error: PostgresError) -> Bool {
        ["password authentication failed", "no pg_hba.conf entry", "does not exist", "authentication failed"]
            .contains { error.message.contains($0) }
    }

    private static func configure(_ connection: Connection, _ config: MigratorConfig) throws {
        try connection.exec(settings(connection, config).joined(separator: "; "))
    }

    /// Puts the session back as it was opened, after a migration's `sql` when it may have changed it: a migration's own `SET search_path`,
    /// `SET ROLE` or other session setting must not leak into the next one, or the same files would build
    /// a different schema depending on how many migrations one run applies. Called before the history row
    /// is written, so that it is written as the migrator's own role; inside the migration's transaction
    /// when it has one (the reset then commits with it). Session advisory locks (ours) are untouched.
    static func reset(_ connection: Connection, _ config: MigratorConfig, after section: SQLSection) throws {
        guard section.withBytes({ mayChangeSettings($0) }) else { return }
        try connection.exec((["RESET SESSION AUTHORIZATION", "RESET ALL"] + settings(connection, config)).joined(separator: "; "))
    }

    /// Whether SQL may leave session settings changed, decided from its words so that a migration that
    /// cannot does not pay for the reset (about 0.4 ms per migration here, 10% of applying 1,000 small ones):
    /// any word SET, RESET or SET_CONFIG, in code, comments or strings alike. Errs towards resetting;
    /// misses only settings changed by a function defined elsewhere that the SQL merely calls.
    static func mayChangeSettings(_ sql: String) -> Bool {
        mayChangeSettings(sql.utf8)
    }

    static func mayChangeSettings<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        var word: [UInt8] = []
        var tooLong = false
        func isSetting() -> Bool {
            !tooLong && (word == Array("set".utf8) || word == Array("reset".utf8) || word == Array("set_config".utf8))
        }
        for byte in bytes {
            let isWordByte =
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x5F || byte >= 0x80
            if isWordByte {
                if word.count < 10 { word.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) } else { tooLong = true }
                continue
            }
            if isSetting() { return true }
            word.removeAll(keepingCapacity: true)
            tooLong = false
        }
        return isSetting()
    }

    private static func settings(_ connection: Connection, _ config: MigratorConfig) -> [String] {
        var statements: [String] = []
        // A migrator killed mid-statement leaves its backend running, holding the lock and the open
        // transaction, until the server notices the client is gone; make it check every second (PostgreSQL 14+).
        if connection.serverVersion >= 140000 { statements.append("SET client_connection_check_interval = 1000") }
        if let ms = config.statementTimeoutMs { statements.append("SET statement_timeout = \(ms)") }
        if let ms = config.lockTimeoutMs { statements.append("SET lock_timeout = \(ms)") }
        return statements
    }
}
