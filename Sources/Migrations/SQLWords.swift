/// The keywords and names of one statement as PostgreSQL's lexer sees them, lower-cased: words inside
/// 'strings', $tag$ dollar quotes $tag$ and comments are not words, and a "quoted identifier" is one
/// word spelt `"` (never a keyword). Words inside parentheses are left out, so `REINDEX (VERBOSE) TABLE`
/// reads as `reindex table`.
enum SQLWords {
    static let quotedIdentifier = "\""

    /// At most `limit` words from the start of the statement; reading stops there.
    static func of(_ statement: SQLStatement, limit: Int = .max) -> [String] {
        statement.withBytes { of($0, limit: limit) }
    }

    static func of(_ s: SQLLexer.Bytes, limit: Int = .max) -> [String] {
        var words: [String] = []
        var depth = 0
        var i = 0
        while i < s.count && words.count < limit {
            let c = s[i]
            if let end = SQLLexer.endOfComment(s, at: i) {
                i = end
                continue
            }
            switch c {
            case UInt8(ascii: "'"):
                i = SQLLexer.endOfQuoted(s, from: i, quote: c, backslashEscapes: SQLLexer.opensEscapeString(s, at: i))
            case UInt8(ascii: "\""):
                if depth == 0 { words.append(quotedIdentifier) }
                i = SQLLexer.endOfQuoted(s, from: i, quote: c, backslashEscapes: false)
            case UInt8(ascii: "$"):
                if let tagEnd = SQLLexer.dollarQuote(s, at: i) {
                    i = SQLLexer.endOfDollarQuote(s, tagEnd: tagEnd, from: i)
                } else {
                    i += 1
                }
            case UInt8(ascii: "("):
                depth += 1
                i += 1
            case UInt8(ascii: ")"):
                depth = max(depth - 1, 0)
                i += 1
            default:
                guard SQLLexer.isIdentifierStart(c), !(i > 0 && SQLLexer.isIdentifierPart(s[i - 1])) else {
                    i += 1
                    continue
                }
                var j = i + 1
                while j < s.count && SQLLexer.isIdentifierPart(s[j]) { j += 1 }
                if depth == 0 {
                    words.append(String(decoding: UnsafeBufferPointer(rebasing: s[i..<j]), as: UTF8.self).lowercased())
                }
                i = j
            }
        }
        return words
    }
}
