/// libpq's PG_DIAG_* field codes. They are character-literal macros, which Swift does not import;
/// the values are the protocol's ErrorResponse field identifiers.
enum DiagnosticField {
    static let severity = code("S")
    static let severityNonLocalized = code("V")
    static let sqlState = code("C")
    static let messagePrimary = code("M")
    static let messageDetail = code("D")
    static let messageHint = code("H")
    static let statementPosition = code("P")

    private static func code(_ c: Unicode.Scalar) -> Int32 { Int32(c.value) }
}
