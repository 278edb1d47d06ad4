internal import CLibPQ

/// One row of a result, read in place (see `Connection.rows`); valid only inside the closure it is given to.
public struct ResultRow {
    let result: ResultHandle
    let row: Int32

    /// The column's value as text; nil for NULL.
    public func string(_ column: Int) -> String? {
        guard PQgetisnull(result.pointer, row, Int32(column)) == 0 else { return nil }
        return String(cString: PQgetvalue(result.pointer, row, Int32(column)))
    }

}
