/// The pieces in which a section's SQL goes to the server inside the migrator's transaction: the whole of
/// it as one query up to 256 KiB; above that, runs of whole statements of about 256 KiB each, split right
/// after a top-level semicolon, which together are exactly the SQL.
///
/// Why: libpq holds two copies of every query it sends (its output buffer, and since libpq 14 a copy kept
/// for error reports), so a 100 MB data migration sent as one query would cost 300 MB with the file's own
/// bytes. In pieces it costs the file and half a MiB (a 1 MB file sent whole cost 3 MB). Inside one transaction the pieces do what the whole would:
/// the same statements in the same order, and the first error rolls all of them back. Small sections, which
/// are nearly all, still go whole, so DO blocks and function bodies there never depend on the splitter.
struct QueryChunks: Sequence {
    static let size = 256 << 10

    let section: SQLSection
    /// Bytes of the section that run.
    let body: Range<Int>

    func makeIterator() -> AnyIterator<Range<Int>> {
        guard body.count > Self.size else {
            var done = false
            return AnyIterator {
                defer { done = true }
                return done ? nil : body
            }
        }
        var statements = SQLStatements(section, part: body).makeIterator()
        let base = section.range.lowerBound
        var start = body.lowerBound
        return AnyIterator {
            guard start < body.upperBound else { return nil }
            while let statement = statements.next() {
                let end = statement.end - base
                if end - start >= Self.size {
                    defer { start = end }
                    return start..<end
                }
            }
            // The last piece runs to the end of the body, trailing comments included.
            defer { start = body.upperBound }
            return start..<body.upperBound
        }
    }
}
