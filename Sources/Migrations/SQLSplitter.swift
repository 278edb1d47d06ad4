import System

/// One statement of a section that runs statement by statement: a range of the section's bytes.
public struct SQLStatement: Equatable {
    let buffer: TextBuffer
    /// The statement in `buffer`, without its terminating semicolon.
    let range: Range<Int>
    /// Just past the semicolon that ends it (or past its last byte when none does).
    let end: Int
    /// 1-based line within the section where the statement's code begins (after any leading comments).
    public var line: Int
    /// Code points from the start of the section to the start of the statement, for mapping error positions.
    public var offset: Int

    public init(text: String, line: Int, offset: Int) {
        buffer = TextBuffer(text)
        range = buffer.all
        end = buffer.count
        self.line = line
        self.offset = offset
    }

    init(buffer: TextBuffer, range: Range<Int>, end: Int, line: Int, offset: Int) {
        self.buffer = buffer
        self.range = range
        self.end = end
        self.line = line
        self.offset = offset
    }

    /// The statement as a String: a copy.
    public var text: String { buffer.string(range) }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try buffer.withBytes(range, body)
    }

    /// `body` with the statement as a C string, for libpq, uncopied.
    func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try buffer.withCString(range, body)
    }

    public static func == (a: SQLStatement, b: SQLStatement) -> Bool {
        a.line == b.line && a.offset == b.offset && a.range.count == b.range.count
            && a.withBytes { x in b.withBytes { y in x.elementsEqual(y) } }
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
        Array(SQLStatements(SQLSection(text: sql, file: "", firstLine: 1, transactional: true)))
    }

    /// True when the SQL holds a statement, i.e. `!split(sql).isEmpty`, found without building statements:
    /// anything but white space, semicolons and comments.
    public static func hasCode(_ sql: String) -> Bool {
        hasCode(SQLSection(text: sql, file: "", firstLine: 1, transactional: true))
    }

    static func hasCode(_ section: SQLSection) -> Bool {
        section.withBytes { b in
            var i = 0
            while i < b.count {
                if let length = SQLLexer.whitespace(b, at: i) {
                    i += length
                } else if b[i] == UInt8(ascii: ";") {
                    i += 1
                } else if let end = SQLLexer.endOfComment(b, at: i) {
                    i = end
                } else {
                    return true
                }
            }
            return false
        }
    }
}

/// The statements of a section (or of a byte range of it), found one at a time as they are read, so
/// that a section of a million statements is never a million values at once. Lines and offsets count
/// from the start of the section.
public struct SQLStatements: Sequence, Equatable {
    let section: SQLSection
    /// Bytes of the section to split.
    let part: Range<Int>

    init(_ section: SQLSection, part: Range<Int>? = nil) {
        self.section = section
        self.part = part ?? 0..<section.byteCount
    }

    public func makeIterator() -> Iterator { Iterator(self) }

    public static func == (a: SQLStatements, b: SQLStatements) -> Bool {
        a.part == b.part && a.section == b.section
    }

    public struct Iterator: IteratorProtocol {
        private let section: SQLSection
        private let end: Int
        /// The next byte to read, within the section.
        private var i: Int
        private var line: Int
        /// Continuation bytes before `i`: `i` minus this is `i` in code points.
        private var continuations: Int
        /// The next of the section's statement blocks not yet passed.
        private var block: Int

        init(_ statements: SQLStatements) {
            section = statements.section
            end = statements.part.upperBound
            i = statements.part.lowerBound
            block =
                section.statementBlocks.firstIndex { $0.upperBound > statements.part.lowerBound } ?? section.statementBlocks.count
            (line, continuations) = section.withBytes { b in
                var line = 1
                var continuations = 0
                for k in 0..<statements.part.lowerBound {
                    if b[k] == UInt8(ascii: "\n") { line += 1 }
                    if b[k] & 0xC0 == 0x80 { continuations += 1 }
                }
                return (line, continuations)
            }
        }

        public mutating func next() -> SQLStatement? {
            guard i < end else { return nil }
            let base = section.range.lowerBound
            var statement: SQLStatement?
            section.withBytes { whole in
                let b = UnsafeBufferPointer(rebasing: whole[..<end])
                var i = self.i
                var line = self.line
                var continuations = self.continuations
                var start: Int? = nil // first non-white-space byte of the current statement
                var startCodePoint = 0
                var codeLine = line // line of the first byte that is neither comment nor white space
                var hasCode = false // anything besides comments and white space
                var nesting = Nesting() // parentheses and BEGIN ATOMIC … END of the current statement
                let blocks = section.statementBlocks
                var block = self.block

                func begin(_ at: Int) {
                    if start == nil {
                        start = at
                        startCodePoint = at - continuations
                    }
                }
                /// Advances past b[i..<j], counting newlines and continuation bytes.
                func skip(to j: Int) {
                    let stop = Swift.min(j, b.count)
                    while i < stop {
                        let c = b[i]
                        if c == UInt8(ascii: "\n") { line += 1 } else if c & 0xC0 == 0x80 { continuations += 1 }
                        i += 1
                    }
                }
                /// The statement that ends at `last` (its semicolon, or the end), if it has code.
                func finish(_ last: Int, terminatorEnd: Int) -> SQLStatement? {
                    defer {
                        start = nil
                        hasCode = false
                        nesting = Nesting()
                    }
                    guard let first = start, hasCode else { return nil }
                    var trimmed = last
                    while trimmed > first, let length = SQLLexer.whitespace(b, before: trimmed) { trimmed -= length }
                    return SQLStatement(
                        buffer: section.buffer, range: (base + first)..<(base + trimmed), end: base + terminatorEnd, line: codeLine,
                        offset: startCodePoint)
                }

                while i < b.count && statement == nil {
                    if block < blocks.count, i >= blocks[block].lowerBound {
                        // A statement block is one statement whatever it holds, ended by its end; SQL before it
                        // without a semicolon belongs to it, as goose joins them.
                        let stop = Swift.min(blocks[block].upperBound, b.count)
                        while i < stop {
                            if let length = SQLLexer.whitespace(b, at: i) {
                                skip(to: i + length)
                            } else if let commentEnd = SQLLexer.endOfComment(b, at: i) {
                                begin(i)
                                skip(to: commentEnd)
                            } else {
                                break
                            }
                        }
                        if i < stop {
                            begin(i)
                            if !hasCode { codeLine = line }
                            hasCode = true
                        }
                        skip(to: stop)
                        block += 1
                        statement = finish(i, terminatorEnd: i)
                        continue
                    }
                    let c = b[i]
                    if let length = SQLLexer.whitespace(b, at: i) {
                        skip(to: i + length)
                        continue
                    }
                    if let commentEnd = SQLLexer.endOfComment(b, at: i) {
                        begin(i)
                        skip(to: commentEnd)
                        continue
                    }
                    if c == UInt8(ascii: ";") && nesting.depth == 0 && nesting.parentheses == 0 {
                        statement = finish(i, terminatorEnd: i + 1)
                        skip(to: i + 1)
                        continue
                    }
                    begin(i)
                    if !hasCode { codeLine = line }
                    hasCode = true
                    switch c {
                    case UInt8(ascii: "'"):
                        skip(to: SQLLexer.endOfQuoted(b, from: i, quote: c, backslashEscapes: SQLLexer.opensEscapeString(b, at: i)))
                    case UInt8(ascii: "\""):
                        skip(to: SQLLexer.endOfQuoted(b, from: i, quote: c, backslashEscapes: false))
                    case UInt8(ascii: "$"):
                        if let tagEnd = SQLLexer.dollarQuote(b, at: i) {
                            skip(to: SQLLexer.endOfDollarQuote(b, tagEnd: tagEnd, from: i))
                        } else {
                            skip(to: i + 1)
                        }
                    case UInt8(ascii: "("):
                        nesting.parentheses += 1
                        skip(to: i + 1)
                    case UInt8(ascii: ")"):
                        if nesting.parentheses > 0 { nesting.parentheses -= 1 }
                        skip(to: i + 1)
                    default:
                        if SQLLexer.isIdentifierStart(c) && !(i > 0 && SQLLexer.isIdentifierPart(b[i - 1])) {
                            var j = i + 1
                            while j < b.count && SQLLexer.isIdentifierPart(b[j]) { j += 1 }
                            nesting.see(b, i..<j, qualified: i > 0 && b[i - 1] == UInt8(ascii: "."))
                            skip(to: j)
                        } else {
                            skip(to: i + 1)
                        }
                    }
                }
                if statement == nil { statement = finish(b.count, terminatorEnd: b.count) }
                self.block = block
                self.i = i
                self.line = line
                self.continuations = continuations
            }
            return statement
        }
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
        mutating func see(_ b: SQLLexer.Bytes, _ word: Range<Int>, qualified: Bool = false) {
            words += 1
            func matches(_ keyword: StaticString) -> Bool { SQLLexer.matches(b, word, keyword) }
            switch isRoutine {
            case nil:
                switch words {
                case 1: isRoutine = matches("create") ? nil : false
                case 2 where matches("or"): orReplace = true
                case 3 where orReplace: isRoutine = matches("replace") ? nil : false
                default: isRoutine = matches("function") || matches("procedure")
                }
            case true? where parentheses == 0:
                let isName = afterAs || qualified
                defer {
                    afterBegin = matches("begin")
                    afterAs = matches("as")
                }
                if isName { break }
                if afterBegin && matches("atomic") {
                    depth += 1
                } else if matches("case") {
                    if depth > 0 { depth += 1 }
                } else if matches("end") {
                    if depth > 0 { depth -= 1 }
                }
            default:
                break
            }
        }
    }
}
