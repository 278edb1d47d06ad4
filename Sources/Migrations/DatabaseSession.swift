import Postgres

/// Opens the migrator's session: retries with backoff for up to `wait` seconds (a first deploy's RDS
/// instance may not resolve or accept connections yet), then applies the session settings.
enum DatabaseSession {
    static func open(_ config: MigratorConfig, log: (String) -> Void) throws -> Connection {
        let start = Clock.now()
        var delay = 0.25
        var attempts = 0
        var lastReport = start
        while true {
            attempts += 1
            do {
                let connection = try Connection(config.databaseURL, connectTimeout: 10, applicationName: "migrator")
                try configure(connection, config)
                return connection
            } catch let error as PostgresError where error.kind == .connection {
                let elapsed = Clock.now() - start
                if elapsed + delay > config.wait {
                    throw MigratorError.connect(error, attempts: attempts, seconds: elapsed)
                }
                if Clock.now() - lastReport >= 5 || attempts == 1 {
                    log("waiting for the database (\(Int(elapsed)) s of \(Int(config.wait)) s): \(error.message)")
                    lastReport = Clock.now()
                }
                Clock.sleep(delay)
                delay = min(delay * 2, 5)
            } catch let error as PostgresError where error.kind == .badConnectionString {
                throw MigratorError.usage("bad --database-url: \(error.message)")
            }
        }
    }

    private static func configure(_ connection: Connection, _ config: MigratorConfig) throws {
        // A migrator killed mid-statement leaves its backend running, holding the lock and the open
        // transaction, until the server notices the client is gone; make it check every second (PostgreSQL 14+).
        if connection.serverVersion >= 140000 { try connection.exec("SET client_connection_check_interval = 1000") }
        if let ms = config.statementTimeoutMs { try connection.exec("SET statement_timeout = \(ms)") }
        if let ms = config.lockTimeoutMs { try connection.exec("SET lock_timeout = \(ms)") }
    }
}
