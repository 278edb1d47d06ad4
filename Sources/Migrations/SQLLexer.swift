/// The pieces of PostgreSQL's lexer that splitting, word-finding and placeholder substitution share,
/// on UTF-8 bytes: every rule compares ASCII characters, and each byte of a non-ASCII character is an
/// identifier character, as the character itself is. Indices are into `b`; an end index is just past.
/// On bytes, so that a section of 100 MB is scanned in place (as `[Unicode.Scalar]` it took 4 bytes per
/// byte of SQL, and its `String.Index` table 8 more).
enum SQLLexer {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// The length of the white space character at `i` (ASCII space and \t…\r, or a Unicode space), or nil.
    @inline(__always)
    static func whitespace(_ b: Bytes, at i: Int) -> Int? {
        let c = b[i]
        if c < 0x80 { return c == 0x20 || (0x09...0x0D).contains(c) ? 1 : nil }
        let (scalar, length) = decode(b, at: i)
        return scalar.properties.isWhitespace ? length : nil
    }

    /// The length of the white space character that ends just before `end`, or nil.
    static func whitespace(_ b: Bytes, before end: Int) -> Int? {
        var start = end - 1
        if b[start] < 0x80 { return whitespace(b, at: start) }
        while start > 0 && b[start] & 0xC0 == 0x80 && end - start < 4 { start -= 1 }
        guard let length = whitespace(b, at: start), start + length == end else { return nil }
        return length
    }

    /// The scalar starting at `i` of well-formed UTF-8 (checked when the file was read) and its length.
    static func decode(_ b: Bytes, at i: Int) -> (Unicode.Scalar, Int) {
        let lead = UInt32(b[i])
        func next(_ k: Int) -> UInt32 { i + k < b.count ? UInt32(b[i + k] & 0x3F) : 0 }
        let value: UInt32
        let length: Int
        switch lead {
        case ..<0x80: value = lead; length = 1
        case ..<0xE0: value = (lead & 0x1F) << 6 | next(1); length = 2
        case ..<0xF0: value = (lead & 0x0F) << 12 | next(1) << 6 | next(2); length = 3
        default: value = (lead & 0x07) << 18 | next(1) << 12 | next(2) << 6 | next(3); length = 4
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", min(length, b.count - i))
    }

    /// For a `--` line comment or a (nested) `/* */` block comment starting at `i`, the index just past it:
    /// the line comment's "\n" stays outside (it is white space), an unterminated comment runs to the end.
    /// Nil when no comment starts at `i`.
    @inline(__always)
    static func endOfComment(_ b: Bytes, at i: Int) -> Int? {
        let c = b[i]
        guard c == UInt8(ascii: "-") || c == UInt8(ascii: "/"), i + 1 < b.count else { return nil }
        if c == UInt8(ascii: "-") {
            guard b[i + 1] == UInt8(ascii: "-") else { return nil }
            var j = i + 2
            while j < b.count && b[j] != UInt8(ascii: "\n") { j += 1 }
            return j
        }
        guard b[i + 1] == UInt8(ascii: "*") else { return nil }
        var j = i
        var depth = 0
        while j < b.count {
            if j + 1 < b.count {
                if b[j] == UInt8(ascii: "/") && b[j + 1] == UInt8(ascii: "*") {
                    depth += 1
                    j += 2
                    continue
                }
                if b[j] == UInt8(ascii: "*") && b[j + 1] == UInt8(ascii: "/") {
                    depth -= 1
                    j += 2
                    if depth == 0 { break }
                    continue
                }
            }
            j += 1
        }
        return min(j, b.count)
    }

    /// Index just past the closing quote (or the end of input).
    static func endOfQuoted(_ b: Bytes, from: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
        var j = from + 1
        while j < b.count {
            if backslashEscapes && b[j] == UInt8(ascii: "\\") {
                j += 2
                continue
            }
            if b[j] == quote {
                if j + 1 < b.count && b[j + 1] == quote {
                    j += 2
                    continue
                }
                return j + 1
            }
            j += 1
        }
        return b.count
    }

    /// Whether the `'` at `i` opens an E'…' string, whose backslashes escape.
    static func opensEscapeString(_ b: Bytes, at i: Int) -> Bool {
        i > 0 && (b[i - 1] == UInt8(ascii: "E") || b[i - 1] == UInt8(ascii: "e")) && !(i > 1 && isIdentifierPart(b[i - 2]))
    }

    /// For "$tag$" or "$$" starting at `from`, the index of the closing "$" of the opening tag.
    /// Nil for "$1" parameters and anything else that is not a dollar quote.
    static func dollarTagEnd(_ b: Bytes, from: Int) -> Int? {
        var j = from + 1
        guard j < b.count else { return nil }
        if b[j] == UInt8(ascii: "$") { return j }
        guard isIdentifierStart(b[j]) else { return nil }
        while j < b.count && (isIdentifierStart(b[j]) || (0x30...0x39).contains(b[j])) { j += 1 }
        return j < b.count && b[j] == UInt8(ascii: "$") ? j : nil
    }

    /// For a dollar quote opened at `from` by the tag ending at `tagEnd`, the index just past its closing tag
    /// (or the end of input).
    static func endOfDollarQuote(_ b: Bytes, tagEnd: Int, from: Int) -> Int {
        let length = tagEnd - from + 1
        var j = tagEnd + 1
        while j + length <= b.count {
            if b[j] == UInt8(ascii: "$") && b[j..<(j + length)].elementsEqual(b[from...tagEnd]) { return j + length }
            j += 1
        }
        return b.count
    }

    /// Where a dollar quote starts at `i` (a "$" not inside an identifier, opening a tag): the end of its tag.
    static func dollarQuote(_ b: Bytes, at i: Int) -> Int? {
        guard !(i > 0 && isIdentifierPart(b[i - 1])) else { return nil }
        return dollarTagEnd(b, from: i)
    }

    /// PostgreSQL's identifier start: a letter, "_" or any non-ASCII character (each of its bytes).
    @inline(__always)
    static func isIdentifierStart(_ c: UInt8) -> Bool {
        switch c {
        case 0x41...0x5A, 0x61...0x7A, 0x5F, 0x80...: return true
        default: return false
        }
    }

    @inline(__always)
    static func isIdentifierPart(_ c: UInt8) -> Bool {
        switch c {
        case 0x41...0x5A, 0x61...0x7A, 0x5F, 0x80..., 0x30...0x39, 0x24: return true
        default: return false
        }
    }

    /// ASCII case-insensitive comparison of a word with a lower-case keyword.
    static func matches(_ b: Bytes, _ word: Range<Int>, _ keyword: StaticString) -> Bool {
        guard word.count == keyword.utf8CodeUnitCount else { return false }
        var k = keyword.utf8Start
        for i in word {
            let c = b[i]
            let lower = c >= 0x41 && c <= 0x5A ? c + 0x20 : c
            guard lower == k.pointee else { return false }
            k += 1
        }
        return true
    }

    /// Code points in `b[range]`: every byte that does not continue a character.
    static func codePoints(_ b: Bytes, _ range: Range<Int>) -> Int {
        var n = 0
        for i in range where b[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }
}
