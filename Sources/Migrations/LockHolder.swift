import Postgres

/// Another session that holds a lock the migrator waited for, as pg_locks and pg_stat_activity tell it:
/// who it is and, for a table, which lock and since when. Never its query text, which may carry values.
struct LockHolder: CustomStringConvertible {
    var pid: String
    var application: String
    var client: String
    var connectedSince: String
    /// For a table lock: its mode, the table and how long the holder's transaction has been open.
    var lock: String?

    var description: String {
        "pid \(pid) (application \(application), client \(client), connected since \(connectedSince)\(lock.map { "; " + $0 } ?? ""))"
    }

    /// The pg_stat_activity columns `init(_:row:)` reads, for a query that joins it as `a`.
    private static let sessionColumns = """
        a.pid, coalesce(a.application_name, '') AS app, coalesce(host(a.client_addr), 'local socket') AS addr,
        to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"') AS since,
        to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"') AS xact
        """

    private init(_ result: QueryResult, row: Int) {
        pid = result.value("pid", row: row) ?? "?"
        application = result.value("app", row: row) ?? "?"
        client = result.value("addr", row: row) ?? "?"
        connectedSince = result.value("since", row: row) ?? "?"
    }

    /// The session holding the advisory lock `key` (as taken by `pg_try_advisory_lock(bigint)`), if any.
    static func ofAdvisoryLock(_ key: Int64, on connection: Connection) throws -> LockHolder? {
        let unsigned = UInt64(bitPattern: key)
        let result = try connection.query(
            """
            SELECT \(sessionColumns)
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1
            """, [String(unsigned >> 32), String(unsigned & 0xffff_ffff)])
        return result.rows.isEmpty ? nil : LockHolder(result, row: 0)
    }

    /// After a statement of `sql` gave up waiting for a lock: the other sessions holding locks on tables
    /// that `sql` names: the longest-open transaction first (the one the lock queue waits for), and how
    /// many more there are. PostgreSQL's lock-timeout error names no table, so the names come from the SQL's
    /// words; a table reached only through a quoted name or a function body is not found. Nil when none
    /// is found or the lookup itself fails: it only explains, it must not turn a retry into a failure.
    static func blocking(_ section: SQLSection, on connection: Connection) -> String? {
        // At most a thousand distinct names: a data migration's words are mostly its data.
        var names: Set<String> = []
        section.withBytes { bytes in
            identifierWords(bytes) {
                names.insert($0); return names.count < 1000
            }
        }
        guard !names.isEmpty else { return nil }
        guard
            let result = try? connection.query(
                """
                SELECT \(sessionColumns), l.mode, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS rel
                FROM pg_locks l
                JOIN pg_class c ON c.oid = l.relation
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid()
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND c.relname = ANY($1::text[])
                ORDER BY a.xact_start NULLS LAST, l.pid
                """, ["{" + names.sorted().joined(separator: ",") + "}"]), !result.rows.isEmpty
        else { return nil }
        var first = LockHolder(result, row: 0)
        first.lock =
            "\(result.value("mode") ?? "a lock") on \(result.value("rel") ?? "?")"
            + (result.value("xact").map { ", its transaction open since \($0)" } ?? "")
        let others = Set(result.rows.indices.compactMap { result.value("pid", row: $0) }).subtracting([first.pid]).count
        return "\(first)" + (others == 0 ? "" : " and \(others) other session\(others == 1 ? "" : "s")")
    }

    /// The unquoted identifiers of `sql`, folded to lower case as PostgreSQL folds them. Only
    /// `[a-z0-9_]` words, so each is safe inside an array literal.
    static func identifierWords(_ sql: String) -> [String] {
        var words: [String] = []
        identifierWords(sql.utf8) {
            words.append($0); return true
        }
        return words
    }

    /// Each unquoted identifier of `bytes` in turn, while `body` returns true.
    static func identifierWords<Bytes: Sequence<UInt8>>(_ bytes: Bytes, _ body: (String) -> Bool) {
        var word: [UInt8] = []
        func end() -> Bool {
            defer { word.removeAll(keepingCapacity: true) }
            return word.isEmpty || word.count > 63 || body(String(decoding: word, as: UTF8.self))
        }
        for byte in bytes {
            let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            if (lower >= 0x61 && lower <= 0x7A) || lower == 0x5F || (!word.isEmpty && lower >= 0x30 && lower <= 0x39) {
                word.append(lower)
            } else if !end() {
                return
            }
        }
        _ = end()
    }
}
