import System

/// The SQL of one direction (up or down) of a migration, and where it sits in its file.
///
/// The SQL is a range of the file's bytes, held once (the up and down sections of one file share them):
/// checksums, splitting and running work on that range, so a section never costs a second copy of itself.
public struct SQLSection: Equatable {
    var buffer: TextBuffer
    /// Where the section lies in `buffer`.
    let range: Range<Int>
    /// The file it came from.
    public var file: String
    /// 1-based line of `file` where the section begins.
    public var firstLine: Int
    /// False when the migration opted out of its transaction.
    public var transactional: Bool
    /// Set once placeholders were substituted into the section: where the values lie, so that positions
    /// map back to the file.
    public var placeholders: PlaceholderMap? = nil
    /// Set when the bytes were let go after reading (`ResidentFiles`): the checksums they had.
    var released: Released? = nil
    /// Byte ranges of the section that are each one statement whatever semicolons they hold (goose's
    /// `StatementBegin` … `StatementEnd`), in order; the splitter never cuts inside one.
    public internal(set) var statementBlocks: [Range<Int>] = []
    /// Where placeholders are substituted. Nil: anywhere, once a run defines values (the migrator's rule).
    /// Otherwise only inside these byte ranges (goose's `ENVSUB ON` … `OFF`), and always: every `${name}`
    /// there needs a value, as goose would substitute it. Empty: never (a goose file without ENVSUB).
    public internal(set) var substitutionRegions: [Range<Int>]? = nil

    /// Whether running the section substitutes placeholders even when the run defines none.
    var substitutesAlways: Bool { !(substitutionRegions ?? []).isEmpty }

    public init(text: String, file: String, firstLine: Int, transactional: Bool) {
        let buffer = TextBuffer(text)
        self.init(buffer: buffer, range: buffer.all, file: file, firstLine: firstLine, transactional: transactional)
    }

    init(buffer: TextBuffer, range: Range<Int>, file: String, firstLine: Int, transactional: Bool) {
        self.buffer = buffer
        self.range = range
        self.file = file
        self.firstLine = firstLine
        self.transactional = transactional
    }

    /// Exactly the SQL sent to the server, as a String: a copy, for tests and messages. The migrator itself
    /// works on the bytes.
    public var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// The SQL of `part`, a byte range of the section (as `ExecutionPlan` gives them), as a String.
    public func text(_ part: Range<Int>) -> String {
        withBytes { String(decoding: UnsafeBufferPointer(rebasing: $0[part]), as: UTF8.self) }
    }

    /// Bytes of SQL.
    public var byteCount: Int { range.count }

    /// The section's bytes, indexed from 0.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(released == nil, "\(file): its SQL was let go after reading; use loaded() first")
        return try buffer.withBytes(range, body)
    }

    /// `body` with the bytes of `part` (a byte range of the section) as a C string, for libpq, uncopied.
    func withCString<R>(_ part: Range<Int>, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        precondition(released == nil, "\(file): its SQL was let go after reading; use loaded() first")
        return try buffer.withCString(absolute(part), body)
    }

    private func absolute(_ part: Range<Int>) -> Range<Int> {
        precondition(part.lowerBound >= 0 && part.upperBound <= range.count, "\(part) is outside a section of \(range.count) bytes")
        return (range.lowerBound + part.lowerBound)..<(range.lowerBound + part.upperBound)
    }

    public static func == (a: SQLSection, b: SQLSection) -> Bool {
        guard
            a.file == b.file && a.firstLine == b.firstLine && a.transactional == b.transactional && a.placeholders == b.placeholders
                && a.range.count == b.range.count && a.statementBlocks == b.statementBlocks
                && a.substitutionRegions == b.substitutionRegions
        else { return false }
        if a.released != nil || b.released != nil { return a.checksums == b.checksums }
        return a.withBytes { x in b.withBytes { y in x.elementsEqual(y) } }
    }

    /// 1-based line of `file` where the section ends: what a linter of this section alone must read.
    public var lastLine: Int {
        withBytes { bytes in
            var newlines = 0
            for byte in bytes where byte == UInt8(ascii: "\n") { newlines += 1 }
            return max(firstLine, firstLine + newlines - (bytes.last == UInt8(ascii: "\n") ? 1 : 0))
        }
    }

    /// Code points from the start of the section to byte `index` of it.
    func codePoints(before index: Int) -> Int {
        withBytes { SQLLexer.codePoints($0, 0..<index) }
    }

    /// Maps a server error position (PostgreSQL counts 1-based characters, i.e. code points, into the query
    /// string) to a 1-based line and column of the file. `offset` is where the query began within the
    /// section, in code points, for statements sent one at a time. Positions after substituted placeholders
    /// are mapped back to the file's own characters.
    public func location(ofCharacter position: Int, offset: Int = 0) -> (line: Int, column: Int) {
        withBytes { b in
            // The byte the server points at.
            var target = max(position - 1, 0) + offset
            var index = 0
            while index < b.count && target > 0 {
                index += 1
                while index < b.count && b[index] & 0xC0 == 0x80 { index += 1 }
                target -= 1
            }
            // Inside a substituted value: its `${`.
            if let inside = placeholders?.replacements.first(where: { $0.start <= index && index < $0.start + $0.length }) {
                index = inside.start
            }
            var line = firstLine
            var lineStart = 0
            for i in 0..<index where b[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            // Values and their `${name}` are one line each, so only the column moves: by the difference in
            // characters of every value between the line's start and the target.
            var column = 1 + SQLLexer.codePoints(b, lineStart..<index)
            for r in placeholders?.replacements ?? [] where r.start >= lineStart && r.start + r.length <= index {
                column += r.originalLength - r.valueCodePoints
            }
            return (line, column)
        }
    }
}
