import Hashing
import Postgres
import System

/// A session-level advisory lock that serialises migrators working on the same history table.
///
/// The key derives from database, schema and table, so different schemas or tables migrate
/// independently. The lock dies with the session: a killed migrator never blocks the next one.
struct MigrationLock {
    let connection: Connection
    let key: Int64

    init(connection: Connection, history: HistoryTable) {
        self.connection = connection
        key = MigrationLock.key(database: connection.database, schema: history.schema, table: history.table)
    }

    static func key(database: String, schema: String, table: String) -> Int64 {
        let digest = SHA256.hash("migrator\u{0}\(database)\u{0}\(schema)\u{0}\(table)")
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value)
    }

    /// Takes the lock if nobody holds it; false otherwise.
    func tryOnce() throws -> Bool {
        try connection.query("SELECT pg_try_advisory_lock($1) AS ok", [String(key)]).value("ok") == "t"
    }

    /// Takes the lock, polling; every `reportInterval` seconds logs who holds it. Throws `.lockTimeout`.
    func acquire(wait: Double, reportInterval: Double, log: (String) -> Void) throws {
        let start = SystemClock.shared.now()
        var lastReport = start
        var reported = false
        while true {
            if try tryOnce() {
                if reported { log("lock acquired after \(SystemClock.shared.milliseconds(since: start)) ms") }
                return
            }
            let now = SystemClock.shared.now()
            if now - start >= wait {
                throw MigratorError.lockTimeout("gave up waiting for the migration lock after \(Int(wait)) s; held by \(try holder())")
            }
            if !reported || now - lastReport >= reportInterval {
                log("waiting for the migration lock, held by \(try holder())")
                lastReport = now
                reported = true
            }
            SystemClock.shared.sleep(min(0.2, max(0.01, wait - (now - start))))
        }
    }

    func release() {
        _ = try? connection.query("SELECT pg_advisory_unlock($1)", [String(key)])
    }

    /// Who holds the lock, from pg_locks and pg_stat_activity.
    func holder() throws -> String {
        try LockHolder.ofAdvisoryLock(key, on: connection)?.description ?? "a session that just released it"
    }
}
