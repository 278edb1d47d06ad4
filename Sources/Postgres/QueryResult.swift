internal import CLibPQ

/// Rows of one statement, copied out of a `PGresult` as text (or nil for NULL).
public struct QueryResult: Sendable {
    public var columns: [String]
    public var rows: [[String?]]
    /// Rows affected by INSERT, UPDATE, DELETE and the like; nil when the command reports none.
    public var affectedRows: Int?
    /// The command tag, e.g. "INSERT 0 1".
    public var command: String

    public init(columns: [String] = [], rows: [[String?]] = [], affectedRows: Int? = nil, command: String = "") {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
        self.command = command
    }

    /// The value in the first row and this column, by name.
    public func value(_ column: String, row: Int = 0) -> String? {
        guard row < rows.count, let index = columns.firstIndex(of: column) else { return nil }
        return rows[row][index]
    }
}

/// Owns one `PGresult`; freed exactly once.
final class ResultHandle {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { PQclear(pointer) }

    var status: ExecStatusType { PQresultStatus(pointer) }

    func field(_ code: Int32) -> String? {
        guard let value = PQresultErrorField(pointer, code) else { return nil }
        return String(cString: value)
    }

    func copyOut() -> QueryResult {
        let columnCount = Int(PQnfields(pointer))
        let rowCount = Int(PQntuples(pointer))
        var columns: [String] = []
        columns.reserveCapacity(columnCount)
        for c in 0..<columnCount { columns.append(String(cString: PQfname(pointer, Int32(c)))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var row: [String?] = []
            row.reserveCapacity(columnCount)
            for c in 0..<columnCount {
                if PQgetisnull(pointer, Int32(r), Int32(c)) == 1 {
                    row.append(nil)
                } else {
                    row.append(String(cString: PQgetvalue(pointer, Int32(r), Int32(c))))
                }
            }
            rows.append(row)
        }
        let tuples = String(cString: PQcmdTuples(pointer))
        return QueryResult(columns: columns, rows: rows, affectedRows: Int(tuples), command: String(cString: PQcmdStatus(pointer)))
    }

    /// The server's error or notice fields.
    func error(kind: PostgresError.Kind, secrets: [String]) -> PostgresError {
        let fallback = String(cString: PQresultErrorMessage(pointer)).trimmedTrailingNewlines
        func clean(_ s: String?) -> String? { s.map { redact($0, secrets: secrets) } }
        return PostgresError(
            kind: kind,
            sqlState: field(DiagnosticField.sqlState),
            message: clean(field(DiagnosticField.messagePrimary) ?? (fallback.isEmpty ? "unknown error" : fallback))!,
            detail: clean(field(DiagnosticField.messageDetail)),
            hint: clean(field(DiagnosticField.messageHint)),
            position: field(DiagnosticField.statementPosition).flatMap { Int($0) },
            severity: field(DiagnosticField.severityNonLocalized) ?? field(DiagnosticField.severity))
    }
}
