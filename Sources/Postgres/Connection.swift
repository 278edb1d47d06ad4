internal import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// One PostgreSQL session over libpq.
///
/// Opens from a libpq connection string (`host=... dbname=...`) or URL (`postgresql://...`); the `PG*`
/// environment variables fill whatever the string leaves out, as libpq does. Not thread-safe.
public final class Connection {
    private let pointer: OpaquePointer
    /// Strings that must never appear in an error: the password, raw and decoded.
    private let secrets: [String]

    /// Receives each NOTICE, WARNING, INFO, LOG or DEBUG message the server sends.
    public var onNotice: ((Notice) -> Void)?

    /// - Parameters:
    ///   - conninfo: a connection string or URL; empty means "all from the environment".
    ///   - connectTimeout: seconds, unless the string sets `connect_timeout` itself.
    ///   - applicationName: used unless the string or `PGAPPNAME` sets one.
    ///   - password: overrides any password of the string or `PGPASSWORD` (e.g. an RDS IAM token).
    public init(
        _ conninfo: String, connectTimeout: Int? = nil, applicationName: String? = nil,
        password: String? = nil
    ) throws {
        secrets = (try Connection.secrets(in: conninfo) + [password].compactMap { $0 }).sorted { $0.count > $1.count }
        var keywords: [String] = []
        var values: [String] = []
        if let connectTimeout { keywords.append("connect_timeout"); values.append(String(max(connectTimeout, 2))) }
        if let applicationName { keywords.append("fallback_application_name"); values.append(applicationName) }
        // Keywords before the expanded dbname are defaults: the string's own settings win.
        keywords.append("dbname"); values.append(conninfo)
        // After the expanded dbname, so it wins over the string's own password.
        if let password { keywords.append("password"); values.append(password) }
        let connection = Connection.withCStrings(keywords) { k in
            Connection.withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let connection else {
            throw PostgresError(kind: .client, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = redact(String(cString: PQerrorMessage(connection)).trimmedTrailingNewlines, secrets: secrets)
            PQfinish(connection)
            throw PostgresError(kind: .connection, message: message.isEmpty ? "could not connect" : message)
        }
        pointer = connection
        PQsetNoticeReceiver(
            pointer,
            { userdata, result in
                guard let userdata, let result else { return }
                let me = Unmanaged<Connection>.fromOpaque(userdata).takeUnretainedValue()
                me.receiveNotice(result)
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { PQfinish(pointer) }

    /// Runs one or more statements through the simple-query protocol and returns the last one's result.
    /// When one fails, the error's `statementIndex` says which: the server answers each statement it ran
    /// with a result of its own, so the results before the error count the statements that succeeded.
    @discardableResult
    public func exec(_ sql: String) throws -> QueryResult {
        try sql.withCString { try exec(cString: $0) }
    }

    /// As `exec(_:)`, for SQL that is already a NUL-terminated C string: a range of a large migration file
    /// goes to libpq without a copy of its own (libpq still copies it into its output buffer).
    @discardableResult
    public func exec(cString sql: UnsafePointer<CChar>) throws -> QueryResult {
        try lastResult(cString: sql).copyOut()
    }

    /// Runs one statement that returns rows (through the simple-query protocol) and gives `transform` each
    /// row where it lies in libpq's result, so that a large result is not first copied into `[[String?]]`.
    public func rows<T>(_ sql: String, _ transform: (ResultRow) throws -> T) throws -> [T] {
        let result = try sql.withCString { try lastResult(cString: $0) }
        let count = Int(PQntuples(result.pointer))
        var out: [T] = []
        out.reserveCapacity(count)
        for row in 0..<count { out.append(try transform(ResultRow(result: result, row: Int32(row)))) }
        return out
    }

    private func lastResult(cString sql: UnsafePointer<CChar>) throws -> ResultHandle {
        guard PQsendQuery(pointer, sql) == 1 else { throw clientError() }
        var last: ResultHandle?
        var index = 0
        // Bounded: the server sends one result per statement of `sql`, then libpq ends the list with NULL.
        while let raw = PQgetResult(pointer) {
            let result = ResultHandle(raw)
            do {
                try verify(result)
            } catch var error as PostgresError {
                discardPendingResults()
                error.statementIndex = index
                throw error
            }
            last = result
            index += 1
        }
        guard let last else { throw clientError() }
        return last
    }

    /// Runs one statement with text parameters ($1, $2, ...) through the extended protocol.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> QueryResult {
        let raw = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { raw.forEach { free($0) } }
        let result = raw.map { UnsafePointer($0) }.withUnsafeBufferPointer { params in
            PQexecParams(pointer, sql, Int32(parameters.count), nil, params.baseAddress, nil, nil, 0)
        }
        return try check(result)
    }

    /// The server's process id for this session (pg_backend_pid()).
    public var backendPID: Int { Int(PQbackendPID(pointer)) }
    public var user: String { String(cString: PQuser(pointer)) }
    public var database: String { String(cString: PQdb(pointer)) }
    public var host: String { PQhost(pointer).map { String(cString: $0) } ?? "" }
    public var port: String { PQport(pointer).map { String(cString: $0) } ?? "" }
    /// E.g. 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(pointer)) }
    public var isOpen: Bool { PQstatus(pointer) == CONNECTION_OK }

    /// Quotes an identifier (a schema or table name) for use in SQL text.
    public func quoteIdentifier(_ name: String) throws -> String {
        guard let quoted = PQescapeIdentifier(pointer, name, name.utf8.count) else { throw clientError() }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// Quotes a string literal for use in SQL text.
    public func quoteLiteral(_ value: String) throws -> String {
        guard let quoted = PQescapeLiteral(pointer, value, value.utf8.count) else { throw clientError() }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    private func check(_ raw: OpaquePointer?) throws -> QueryResult {
        guard let raw else { throw clientError() }
        let result = ResultHandle(raw)
        try verify(result)
        return result.copyOut()
    }

    /// Throws unless the result is a success; a COPY is ended first, so the connection can go on.
    private func verify(_ result: ResultHandle) throws {
        switch result.status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            return
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
            throw result.error(kind: isOpen ? .query : .client, secrets: secrets)
        case PGRES_COPY_IN:
            // The server waits for rows this client has none of: refuse them, which fails the COPY.
            _ = PQputCopyEnd(pointer, "COPY FROM STDIN is not supported here")
            discardPendingResults()
            throw PostgresError(
                kind: .query, message: "COPY … FROM STDIN needs its rows sent by the client, which this cannot do",
                hint: "Insert the rows with INSERT, or COPY from a file on the database server.")
        case PGRES_COPY_OUT:
            discardCopyData()
            discardPendingResults()
            throw PostgresError(
                kind: .query, message: "COPY … TO STDOUT sends rows to the client, which nothing here reads",
                hint: "Remove the COPY, or COPY to a file on the database server.")
        default:
            throw PostgresError(kind: .client, message: "unexpected result status \(String(cString: PQresStatus(result.status)))")
        }
    }

    /// Reads and frees what is left of a query's results, so the connection can take the next command.
    private func discardPendingResults() {
        // Bounded: each COPY is ended or read to its end, so every result is followed by the next one,
        // and libpq ends the list with NULL.
        for _ in 0..<100_000 {
            guard let next = PQgetResult(pointer) else { return }
            switch PQresultStatus(next) {
            case PGRES_COPY_IN:
                _ = PQputCopyEnd(pointer, "COPY FROM STDIN is not supported here")
            case PGRES_COPY_OUT:
                discardCopyData()
            case PGRES_COPY_BOTH:
                PQclear(next)
                return
            default:
                break
            }
            PQclear(next)
        }
    }

    /// Reads and drops the rows of a COPY TO STDOUT, up to its end.
    private func discardCopyData() {
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(pointer, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
    }

    /// Whether the session is inside a transaction block (ours or one the SQL opened), idle, or broken.
    public var transactionStatus: TransactionStatus {
        switch PQtransactionStatus(pointer) {
        case PQTRANS_IDLE: return .idle
        case PQTRANS_INTRANS: return .inTransaction
        case PQTRANS_INERROR: return .failedTransaction
        case PQTRANS_ACTIVE: return .busy
        default: return .unknown
        }
    }

    public enum TransactionStatus: Sendable { case idle, inTransaction, failedTransaction, busy, unknown }

    private func clientError() -> PostgresError {
        let message = redact(String(cString: PQerrorMessage(pointer)).trimmedTrailingNewlines, secrets: secrets)
        return PostgresError(kind: .client, message: message.isEmpty ? "connection failed" : message)
    }

    private func receiveNotice(_ raw: OpaquePointer) {
        guard let onNotice else { return }
        // libpq owns notice results: read them, never PQclear them.
        func field(_ code: Int32) -> String? { PQresultErrorField(raw, code).map { String(cString: $0) } }
        onNotice(
            Notice(
                severity: field(DiagnosticField.severityNonLocalized) ?? field(DiagnosticField.severity) ?? "NOTICE",
                sqlState: field(DiagnosticField.sqlState),
                message: redact(field(DiagnosticField.messagePrimary) ?? "", secrets: secrets),
                detail: field(DiagnosticField.messageDetail),
                hint: field(DiagnosticField.messageHint)))
    }

    /// The password in a connection string, as written and as libpq decodes it, so errors can be scrubbed.
    /// A string libpq cannot parse is rejected here, with every quoted fragment of libpq's message hidden,
    /// because such a fragment can be a piece of the password.
    static func secrets(in conninfo: String) throws -> [String] {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            var message = "invalid connection string"
            if let error {
                message += ": " + hideQuoted(String(cString: error).trimmedTrailingNewlines)
                PQfreemem(error)
            }
            throw PostgresError(kind: .badConnectionString, message: message)
        }
        defer { PQconninfoFree(options) }
        var found: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val {
                found.append(String(cString: value))
            }
            option += 1
        }
        found += urlPasswordFragments(conninfo)
        return found.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// What may be the password of `scheme://user:password@host…`, as written, and its pieces. A password
    /// with an unencoded `@`, `/` or `:` makes libpq cut the URL elsewhere than the user meant, and then
    /// echo a piece as a host, port or database name: so take everything from the first `:` of the
    /// user part to the last `@`, and also each piece between `@`, `/`, `:`, `?`, `=` and `&`.
    static func urlPasswordFragments(_ url: String) -> [String] {
        guard let schemeEnd = url.firstRange(of: "://") else { return [] }
        // Up to the last "@" before the query; when there is none there, a "?" may be in the password
        // (libpq itself looks for the "@" first), so up to the last "@" of all.
        let all = url[schemeEnd.upperBound...]
        let beforeQuery = all.prefix { $0 != "?" }
        let rest = beforeQuery.contains("@") ? beforeQuery : all
        guard let at = rest.lastIndex(of: "@") else { return [] }
        let userinfo = rest[..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return [] }
        let password = userinfo[userinfo.index(after: colon)...]
        let pieces = password.split(whereSeparator: { $0 == "@" || $0 == "/" || $0 == ":" || $0 == "?" || $0 == "=" || $0 == "&" }).map(
            String.init)
        return [String(password)] + (pieces.count > 1 ? pieces : [])
    }

    static func hideQuoted(_ message: String) -> String {
        var out = ""
        var inQuote = false
        for c in message {
            if c == "\"" {
                out.append(c)
                if !inQuote { out += "…" }
                inQuote.toggle()
            } else if !inQuote {
                out.append(c)
            }
        }
        return out
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
