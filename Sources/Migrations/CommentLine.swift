/// A quick look at one line's bytes, before any `String` is made of it: a thousand files' lines must not
/// cost a decoded and trimmed copy each when only a few of them are the comments a reader looks for.
enum CommentLine {
    /// False when the line surely is no `--` comment whose text (`MigrationSource.commentText` of the
    /// trimmed line) begins with the ASCII byte `first`: decided on the bytes, after ASCII white space,
    /// "--" and spaces or tabs. True at any non-ASCII byte there (it may be more white space, or combine
    /// with what precedes it), so that the caller's decoding decides as before.
    static func mayBegin(_ line: UnsafeBufferPointer<UInt8>, with first: UInt8) -> Bool {
        var i = 0
        while i < line.count && (line[i] == 0x20 || (0x09...0x0D).contains(line[i])) { i += 1 }
        guard i < line.count else { return false }
        if line[i] >= 0x80 { return true }
        guard i + 1 < line.count, line[i] == UInt8(ascii: "-"), line[i + 1] == UInt8(ascii: "-") else { return false }
        i += 2
        while i < line.count && (line[i] == UInt8(ascii: " ") || line[i] == UInt8(ascii: "\t")) { i += 1 }
        // Only white space after the dashes: the trimmed comment's text is empty.
        guard i < line.count else { return false }
        return line[i] >= 0x80 || line[i] == first
    }
}
