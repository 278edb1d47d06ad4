/// One statement of a section that runs statement by statement.
public struct SQLStatement: Sendable, Equatable {
    /// The statement without its terminating semicolon.
    public var text: String
    /// 1-based line within the section where the statement's code begins (after any leading comments).
    public var line: Int
    /// Code points from the start of the section to the start of `text`, for mapping error positions.
    public var offset: Int

    public init(text: String, line: Int, offset: Int) {
        self.text = text
        self.line = line
        self.offset = offset
    }
}

/// Splits SQL at top-level semicolons, the way PostgreSQL's lexer sees them: semicolons inside
/// 'strings' (with '' escapes), E'strings' (with backslash escapes), $tag$ dollar quotes $tag$,
/// "identifiers", -- line comments and nested /* block comments */ do not end a statement.
/// Statements holding nothing but white space and comments are dropped.
public enum SQLSplitter {
    public static func split(_ sql: String) -> [SQLStatement] {
        let s = Array(sql.unicodeScalars)
        var statements: [SQLStatement] = []
        var i = 0
        var line = 1
        var start: Int? = nil          // first non-white-space scalar of the current statement
        var codeLine = 1               // line of the first scalar that is neither comment nor white space
        var hasCode = false            // anything besides comments and white space

        func begin(_ at: Int) {
            if start == nil { start = at }
        }
        func finish(_ end: Int) {
            if let begin = start, hasCode {
                var last = end
                while last > begin, s[last - 1].properties.isWhitespace { last -= 1 }
                var text = String.UnicodeScalarView()
                text.append(contentsOf: s[begin..<last])
                statements.append(SQLStatement(text: String(text), line: codeLine, offset: begin))
            }
            start = nil
            hasCode = false
        }
        /// Advances past s[i...j), counting newlines.
        func skip(to j: Int) {
            while i < j && i < s.count {
                if s[i] == "\n" { line += 1 }
                i += 1
            }
        }

        while i < s.count {
            let c = s[i]
            let next: Unicode.Scalar? = i + 1 < s.count ? s[i + 1] : nil
            if c.properties.isWhitespace {
                skip(to: i + 1)
                continue
            }
            if c == "-" && next == "-" {
                begin(i)
                var j = i
                while j < s.count && s[j] != "\n" { j += 1 }
                skip(to: j)
                continue
            }
            if c == "/" && next == "*" {
                begin(i)
                var depth = 0
                var j = i
                while j < s.count {
                    if s[j] == "/" && j + 1 < s.count && s[j + 1] == "*" { depth += 1; j += 2; continue }
                    if s[j] == "*" && j + 1 < s.count && s[j + 1] == "/" {
                        depth -= 1; j += 2
                        if depth == 0 { break }
                        continue
                    }
                    j += 1
                }
                skip(to: j)
                continue
            }
            if c == ";" {
                finish(i)
                skip(to: i + 1)
                continue
            }
            begin(i)
            if !hasCode { codeLine = line }
            hasCode = true
            switch c {
            case "'":
                let escapes = i > 0 && (s[i - 1] == "E" || s[i - 1] == "e") && !(i > 1 && isIdentifierPart(s[i - 2]))
                skip(to: endOfQuoted(s, from: i, quote: "'", backslashEscapes: escapes))
            case "\"":
                skip(to: endOfQuoted(s, from: i, quote: "\"", backslashEscapes: false))
            case "$":
                if !(i > 0 && isIdentifierPart(s[i - 1])), let tagEnd = dollarTagEnd(s, from: i) {
                    let tag = Array(s[i...tagEnd])
                    var j = tagEnd + 1
                    while j < s.count {
                        if s[j] == "$" && j + tag.count <= s.count && Array(s[j..<(j + tag.count)]) == tag {
                            j += tag.count
                            break
                        }
                        j += 1
                    }
                    skip(to: max(j, tagEnd + 1))
                } else {
                    skip(to: i + 1)
                }
            default:
                skip(to: i + 1)
            }
        }
        finish(s.count)
        return statements
    }

    /// Index just past the closing quote (or the end of input).
    private static func endOfQuoted(_ s: [Unicode.Scalar], from: Int, quote: Unicode.Scalar, backslashEscapes: Bool) -> Int {
        var j = from + 1
        while j < s.count {
            if backslashEscapes && s[j] == "\\" { j += 2; continue }
            if s[j] == quote {
                if j + 1 < s.count && s[j + 1] == quote { j += 2; continue }
                return j + 1
            }
            j += 1
        }
        return s.count
    }

    /// For "$tag$" or "$$" starting at `from`, the index of the closing "$" of the opening tag.
    /// Nil for "$1" parameters and anything else that is not a dollar quote.
    private static func dollarTagEnd(_ s: [Unicode.Scalar], from: Int) -> Int? {
        var j = from + 1
        guard j < s.count else { return nil }
        if s[j] == "$" { return j }
        guard isIdentifierStart(s[j]) else { return nil }
        while j < s.count && (isIdentifierStart(s[j]) || ("0"..."9").contains(s[j])) { j += 1 }
        return j < s.count && s[j] == "$" ? j : nil
    }

    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || c.value >= 0x80
    }

    private static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || ("0"..."9").contains(c) || c == "$"
    }
}
