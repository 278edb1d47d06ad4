import System

/// dbmate's single-file layout.
struct DbmateFile {
    var up: SQLSection
    var down: SQLSection?

    enum Result { case success(DbmateFile), failure(String) }

    /// The failure of a file without dbmate's `-- migrate:up` marker, which may be another tool's file.
    static let noUpMarker = "no -- migrate:up line"

    static func parse(_ text: FileText, file: String) -> Result {
        // Found on the bytes, so CRLF files work too ("\r\n" is one Character); the "\r" stays in the
        // sections' text and is trimmed off directive lines. Only lines that may be comments are decoded.
        struct Marker { var line: Int; var start: Int; var next: Int; var transactional: Bool }
        var upMarker: Marker?
        var downMarker: Marker?
        var failure: String?
        let count = text.buffer.withBytes(text.range) { buffer -> Int in
            var line = 0
            var start = 0
            while start <= buffer.count && failure == nil {
                var end = start
                while end < buffer.count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
                let next = min(end + 1, buffer.count)
                if mayBeComment(UnsafeBufferPointer(rebasing: buffer[start..<end])) {
                    // A marker is short: a line of megabytes (data that starts like a comment) is not copied whole.
                    let directive = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<min(end, start + 4096)]), as: UTF8.self)
                        .trimmingUnicodeWhitespace()
                    if let text = MigrationSource.commentText(directive), text.starts(with: "migrate:".utf8) {
                        let words = text.split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.map { String(Substring($0)) }
                        let marker = Marker(
                            line: line, start: start, next: next, transactional: !words.dropFirst().contains("transaction:false"))
                        switch words.first {
                        case "migrate:up":
                            if upMarker != nil { failure = "more than one -- migrate:up line" }
                            upMarker = marker
                        case "migrate:down":
                            if downMarker != nil { failure = "more than one -- migrate:down line" }
                            downMarker = marker
                        default:
                            failure = "unknown directive on line \(line + 1): \(directive)"
                        }
                    }
                }
                if end == buffer.count { break }
                start = end + 1
                line += 1
            }
            return buffer.count
        }
        if let failure { return .failure(failure) }
        guard let up = upMarker else { return .failure(noUpMarker) }
        if let down = downMarker, down.line < up.line {
            return .failure("-- migrate:down comes before -- migrate:up")
        }
        // Offsets above are from the start of the SQL (after any byte order mark).
        func range(_ from: Int, _ to: Int) -> Range<Int> {
            (text.range.lowerBound + from)..<(text.range.lowerBound + max(from, to))
        }
        if up.start > 0, SQLSplitter.hasCode(text.section(range(0, up.start - 1), file: file, firstLine: 1, transactional: true)) {
            return .failure(
                "SQL before the -- migrate:up line (line \(up.line + 1)) belongs to no section and would never run; move it below")
        }
        // A section is the lines between its marker and the next one (or the end), joined by "\n".
        func section(_ marker: Marker, endingAt end: Int) -> SQLSection {
            text.section(range(marker.next, end), file: file, firstLine: marker.line + 2, transactional: marker.transactional)
        }
        let upSection = section(up, endingAt: downMarker.map { $0.start - 1 } ?? count)
        let downSection = downMarker.map { section($0, endingAt: count) }
        return .success(DbmateFile(up: upSection, down: downSection))
    }

    /// False for lines that cannot be a `--` comment once trimmed, decided on the bytes without trimming:
    /// after ASCII white space, anything but "--" or a non-ASCII byte (which may be more white space).
    private static func mayBeComment(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let rest = line.drop(while: { $0 == 0x20 || (0x09...0x0D).contains($0) })
        guard let first = rest.first else { return false }
        return first >= 0x80 || rest.starts(with: "--".utf8)
    }
}
