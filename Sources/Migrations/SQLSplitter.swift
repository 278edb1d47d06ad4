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
/// Neither do semicolons inside parentheses (as in a rule's `DO ALSO (…; …)`), nor inside the SQL-standard body of `CREATE [OR REPLACE] FUNCTION|PROCEDURE …
/// BEGIN ATOMIC … END` (PostgreSQL 14+): once a statement starts that way, the splitter counts BEGIN ATOMIC,
/// and CASE inside it, against END outside parentheses, much as psql does.
/// Statements holding nothing but white space and comments are dropped.
public enum SQLSplitter {
    public static func split(_ sql: String) -> [SQLStatement] {
        let s = Array(sql.unicodeScalars)
        // Where each scalar starts in `sql`, so that a statement's text is one slice of the original.
        let positions = Array(sql.unicodeScalars.indices) + [sql.unicodeScalars.endIndex]
        var statements: [SQLStatement] = []
        var i = 0
        var line = 1
        var start: Int? = nil // first non-white-space scalar of the current statement
        var codeLine = 1 // line of the first scalar that is neither comment nor white space
        var hasCode = false // anything besides comments and white space
        var nesting = Nesting() // parentheses and BEGIN ATOMIC … END of the current statement

        func begin(_ at: Int) {
            if start == nil { start = at }
        }
        func finish(_ end: Int) {
            if let begin = start, hasCode {
                var last = end
                while last > begin, isWhitespace(s[last - 1]) { last -= 1 }
                let text = String(sql.unicodeScalars[positions[begin]..<positions[last]])
                statements.append(SQLStatement(text: text, line: codeLine, offset: begin))
            }
            start = nil
            hasCode = false
            nesting = Nesting()
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
            if isWhitespace(c) {
                skip(to: i + 1)
                continue
            }
            if let end = endOfComment(s, at: i) {
                begin(i)
                skip(to: end)
                continue
            }
            if c == ";" && nesting.depth == 0 && nesting.parentheses == 0 {
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
                    skip(to: endOfDollarQuote(s, tagEnd: tagEnd, from: i))
                } else {
                    skip(to: i + 1)
                }
            case "(":
                nesting.parentheses += 1
                skip(to: i + 1)
            case ")":
                if nesting.parentheses > 0 { nesting.parentheses -= 1 }
                skip(to: i + 1)
            default:
                if isIdentifierStart(c) && !(i > 0 && isIdentifierPart(s[i - 1])) {
                    var j = i + 1
                    while j < s.count && isIdentifierPart(s[j]) { j += 1 }
                    nesting.see(s[i..<j], qualified: i > 0 && s[i - 1] == ".")
                    skip(to: j)
                } else {
                    skip(to: i + 1)
                }
            }
        }
        finish(s.count)
        return statements
    }

    /// What decides whether a semicolon of the current statement ends it: open parentheses, and the words
    /// that open and close a routine's SQL-standard body.
    struct Nesting {
        /// Unquoted words seen so far in the statement.
        var words = 0
        /// Whether the first words are CREATE [OR REPLACE] FUNCTION|PROCEDURE; nil while undecided.
        var isRoutine: Bool? = nil
        var orReplace = false
        var parentheses = 0
        /// The previous word was BEGIN (outside parentheses, in a routine).
        var afterBegin = false
        /// The previous word was AS: `SELECT 1 AS end` names a column, it does not close anything.
        var afterAs = false
        /// Open BEGIN ATOMIC (and CASE inside it) not yet closed by END; semicolons end the statement only at 0.
        var depth = 0

        /// `qualified`: the word follows a ".", as in `t.end`, so it is a name and not a keyword.
        mutating func see(_ word: ArraySlice<Unicode.Scalar>, qualified: Bool = false) {
            words += 1
            switch isRoutine {
            case nil:
                switch words {
                case 1: isRoutine = matches(word, "create") ? nil : false
                case 2 where matches(word, "or"): orReplace = true
                case 3 where orReplace: isRoutine = matches(word, "replace") ? nil : false
                default: isRoutine = matches(word, "function") || matches(word, "procedure")
                }
            case true? where parentheses == 0:
                let isName = afterAs || qualified
                defer { afterBegin = matches(word, "begin"); afterAs = matches(word, "as") }
                if isName { break }
                if afterBegin && matches(word, "atomic") {
                    depth += 1
                } else if matches(word, "case") {
                    if depth > 0 { depth += 1 }
                } else if matches(word, "end") {
                    if depth > 0 { depth -= 1 }
                }
            default:
                break
            }
        }

        /// ASCII case-insensitive comparison with a lower-case keyword.
        private func matches(_ word: ArraySlice<Unicode.Scalar>, _ keyword: StaticString) -> Bool {
            guard word.count == keyword.utf8CodeUnitCount else { return false }
            var k = keyword.utf8Start
            for c in word {
                let lower = c.value >= 0x41 && c.value <= 0x5A ? c.value + 0x20 : c.value
                guard lower == UInt32(k.pointee) else { return false }
                k += 1
            }
            return true
        }
    }

    /// True when the SQL holds a statement, i.e. `!split(sql).isEmpty`, found without building statements:
    /// anything but white space, semicolons and comments.
    public static func hasCode(_ sql: String) -> Bool {
        firstCode(in: sql.unicodeScalars, skippingSemicolons: true) != nil
    }

    /// The index of the first scalar that is not white space or inside a comment (nor, when asked, a
    /// semicolon); nil when there is none.
    static func firstCode<S: Collection<Unicode.Scalar>>(in s: S, skippingSemicolons: Bool) -> S.Index? {
        var i = s.startIndex
        while i != s.endIndex {
            let c = s[i]
            if isWhitespace(c) || (skippingSemicolons && c == ";") {
                s.formIndex(after: &i)
            } else if let end = endOfComment(s, at: i) {
                i = end
            } else {
                return i
            }
        }
        return nil
    }

    /// White space as PostgreSQL's lexer and Unicode see it, without a Unicode table lookup for ASCII.
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x20, 0x09...0x0D: return true
        case ..<0x80: return false
        default: return c.properties.isWhitespace
        }
    }

    /// For a `--` line comment or a (nested) `/* */` block comment starting at `i`, the index just past it:
    /// the line comment's "\n" stays outside (it is white space), an unterminated comment runs to the end.
    /// Nil when no comment starts at `i`.
    static func endOfComment<S: Collection<Unicode.Scalar>>(_ s: S, at i: S.Index) -> S.Index? {
        let c = s[i]
        guard c == "-" || c == "/" else { return nil }
        var j = s.index(after: i)
        guard j != s.endIndex else { return nil }
        if c == "-" {
            guard s[j] == "-" else { return nil }
            while j != s.endIndex && s[j] != "\n" { s.formIndex(after: &j) }
            return j
        }
        guard s[j] == "*" else { return nil }
        j = i
        var depth = 0
        while j != s.endIndex {
            let k = s.index(after: j)
            if k != s.endIndex {
                if s[j] == "/" && s[k] == "*" { depth += 1; j = s.index(after: k); continue }
                if s[j] == "*" && s[k] == "/" {
                    depth -= 1; j = s.index(after: k)
                    if depth == 0 { break }
                    continue
                }
            }
            j = k
        }
        return j
    }

    /// Index just past the closing quote (or the end of input).
    static func endOfQuoted(_ s: [Unicode.Scalar], from: Int, quote: Unicode.Scalar, backslashEscapes: Bool) -> Int {
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
    static func dollarTagEnd(_ s: [Unicode.Scalar], from: Int) -> Int? {
        var j = from + 1
        guard j < s.count else { return nil }
        if s[j] == "$" { return j }
        guard isIdentifierStart(s[j]) else { return nil }
        while j < s.count && (isIdentifierStart(s[j]) || ("0"..."9").contains(s[j])) { j += 1 }
        return j < s.count && s[j] == "$" ? j : nil
    }

    /// For a dollar quote opened at `from` by the tag ending at `tagEnd`, the index just past its closing tag
    /// (or the end of input).
    static func endOfDollarQuote(_ s: [Unicode.Scalar], tagEnd: Int, from: Int) -> Int {
        let tag = s[from...tagEnd]
        var j = tagEnd + 1
        while j < s.count {
            if s[j] == "$" && s[j...].starts(with: tag) { return j + tag.count }
            j += 1
        }
        return s.count
    }

    /// PostgreSQL's identifier start: a letter, "_" or any non-ASCII character.
    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x41...0x5A, 0x61...0x7A, 0x5F, 0x80...: return true
        default: return false
        }
    }

    static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x41...0x5A, 0x61...0x7A, 0x5F, 0x80..., 0x30...0x39, 0x24: return true
        default: return false
        }
    }
}
