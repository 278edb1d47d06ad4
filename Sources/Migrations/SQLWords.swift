/// The keywords and names of one statement as PostgreSQL's lexer sees them, lower-cased: words inside
/// 'strings', $tag$ dollar quotes $tag$ and comments are not words, and a "quoted identifier" is one
/// word spelt `"` (never a keyword). Words inside parentheses are left out, so `REINDEX (VERBOSE) TABLE`
/// reads as `reindex table`.
enum SQLWords {
    static let quotedIdentifier = "\""

    /// At most `limit` words from the start of `text`.
    static func of(_ text: String, limit: Int = .max) -> [String] {
        let s = Array(text.unicodeScalars)
        var words: [String] = []
        var depth = 0
        var i = 0
        while i < s.count && words.count < limit {
            let c = s[i]
            if let end = SQLSplitter.endOfComment(s, at: i) {
                i = end
                continue
            }
            switch c {
            case "'":
                let escapes = i > 0 && (s[i - 1] == "E" || s[i - 1] == "e") && !(i > 1 && SQLSplitter.isIdentifierPart(s[i - 2]))
                i = SQLSplitter.endOfQuoted(s, from: i, quote: "'", backslashEscapes: escapes)
            case "\"":
                if depth == 0 { words.append(quotedIdentifier) }
                i = SQLSplitter.endOfQuoted(s, from: i, quote: "\"", backslashEscapes: false)
            case "$":
                if !(i > 0 && SQLSplitter.isIdentifierPart(s[i - 1])), let tagEnd = SQLSplitter.dollarTagEnd(s, from: i) {
                    i = SQLSplitter.endOfDollarQuote(s, tagEnd: tagEnd, from: i)
                } else {
                    i += 1
                }
            case "(":
                depth += 1
                i += 1
            case ")":
                depth = max(depth - 1, 0)
                i += 1
            default:
                guard SQLSplitter.isIdentifierStart(c), !(i > 0 && SQLSplitter.isIdentifierPart(s[i - 1])) else {
                    i += 1
                    continue
                }
                var j = i + 1
                while j < s.count && SQLSplitter.isIdentifierPart(s[j]) { j += 1 }
                if depth == 0 {
                    words.append(String(String.UnicodeScalarView(s[i..<j])).lowercased())
                }
                i = j
            }
        }
        return words
    }
}
