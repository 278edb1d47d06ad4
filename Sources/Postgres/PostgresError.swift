/// A failure reported by libpq or the server. `description` is safe to print anywhere: it never holds
/// the password or the connection string.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// The connection string could not be parsed.
        case badConnectionString
        /// The server could not be reached or refused the session (including authentication).
        case connection
        /// The server rejected a statement.
        case query
        /// The connection broke or libpq failed outside a statement.
        case client
    }

    public var kind: Kind
    /// The five-character SQLSTATE, when the server sent one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based character index of the error in the statement text, when the server gave one.
    public var position: Int?
    /// Severity as sent by the server (ERROR, FATAL, ...), when there is one.
    public var severity: String?
    /// For `Connection.exec` of several statements: the 0-based index of the one that failed.
    public var statementIndex: Int?

    public init(
        kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil,
        position: Int? = nil, severity: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
        self.severity = severity
    }

    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        return text
    }
}

/// Replaces the given secrets in a message with `***`: everywhere when a secret is long enough not to be
/// mistaken for ordinary text, and otherwise only where it stands alone (not inside a longer word), so a
/// password such as `a` does not turn every "a" of the message into `***`.
func redact(_ text: String, secrets: [String]) -> String {
    var out = text
    for secret in secrets where !secret.isEmpty {
        out = out.replacingAll(secret, with: "***", wholeWordsOnly: secret.count < 6)
    }
    return out
}

extension String {
    /// With `wholeWordsOnly`, an occurrence counts only when no letter or digit touches it on either side.
    func replacingAll(_ target: String, with replacement: String, wholeWordsOnly: Bool = false) -> String {
        guard !target.isEmpty else { return self }
        func isWordCharacter(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber } ?? false }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            let before = range.lowerBound > startIndex ? self[index(before: range.lowerBound)] : nil
            let after = range.upperBound < endIndex ? self[range.upperBound] : nil
            if wholeWordsOnly && (isWordCharacter(before) || isWordCharacter(after)) {
                result += rest[..<range.upperBound]
            } else {
                result += rest[..<range.lowerBound]
                result += replacement
            }
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }

    /// libpq messages end with a newline; callers want one line or a clean block.
    var trimmedTrailingNewlines: String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == " " { s.removeLast() }
        return String(s)
    }
}
