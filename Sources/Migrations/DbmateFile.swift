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
                // A marker is short: a line of megabytes (data that starts like a comment) is not copied whole.
                let head = UnsafeBufferPointer(rebasing: buffer[start..<min(end, start + 4096)])
                if CommentLine.mayBegin(head, with: UInt8(ascii: "m")), let directive = Directive(head) {
                    let marker = Marker(line: line, start: start, next: next, transactional: directive.transactional)
                    switch directive.kind {
                    case .up:
                        if upMarker != nil { failure = "more than one -- migrate:up line" }
                        upMarker = marker
                    case .down:
                        if downMarker != nil { failure = "more than one -- migrate:down line" }
                        downMarker = marker
                    case .unknown:
                        failure = "unknown directive on line \(line + 1): \(directive.text)"
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

    /// A `-- migrate:` line: which marker, whether `transaction:false` follows it, and the trimmed line
    /// for messages.
    private struct Directive {
        enum Kind { case up, down, unknown }
        var kind: Kind
        var transactional: Bool
        var text: String

        private init(kind: Kind, transactional: Bool, text: String) {
            self.kind = kind
            self.transactional = transactional
            self.text = text
        }

        /// Nil for a line that is no `-- migrate:` comment. `line` is decoded and trimmed only when it holds
        /// a non-ASCII byte; an ASCII line (every marker in practice) is read on its bytes, the same way.
        init?(_ line: UnsafeBufferPointer<UInt8>) {
            guard let read = line.allSatisfy({ $0 < 0x80 }) ? Self.ascii(line) : Self.decoded(line) else { return nil }
            self = read
        }

        private static func decoded(_ line: UnsafeBufferPointer<UInt8>) -> Directive? {
            let directive = String(decoding: line, as: UTF8.self).trimmingUnicodeWhitespace()
            guard let text = MigrationSource.commentText(directive), text.starts(with: "migrate:".utf8) else { return nil }
            let words = text.split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.map { String(Substring($0)) }
            return Directive(
                kind: words.first == "migrate:up" ? .up : words.first == "migrate:down" ? .down : .unknown,
                transactional: !words.dropFirst().contains("transaction:false"), text: directive)
        }

        private static func ascii(_ line: UnsafeBufferPointer<UInt8>) -> Directive? {
            // ASCII white space is " " and \t…\r, as `trimmingUnicodeWhitespace` trims an ASCII line.
            let isSpace = { (b: UInt8) in b == 0x20 || (0x09...0x0D).contains(b) }
            guard let first = line.firstIndex(where: { !isSpace($0) }), let last = line.lastIndex(where: { !isSpace($0) }) else {
                return nil
            }
            let trimmed = UnsafeBufferPointer(rebasing: line[first...last])
            guard trimmed.starts(with: "--".utf8) else { return nil }
            let comment = trimmed.dropFirst(2).drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            guard comment.starts(with: "migrate:".utf8) else { return nil }
            // The words after the marker's, split on spaces and tabs as the decoded path splits them.
            let isGap = { (b: UInt8) in b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
            let nameEnd = comment.firstIndex(where: isGap) ?? comment.endIndex
            let name = comment[..<nameEnd]
            let kind: Kind =
                name.elementsEqual("migrate:up".utf8) ? .up : name.elementsEqual("migrate:down".utf8) ? .down : .unknown
            var transactional = true
            var rest = comment[nameEnd...]
            while let wordStart = rest.firstIndex(where: { !isGap($0) }) {
                let wordEnd = rest[wordStart...].firstIndex(where: isGap) ?? rest.endIndex
                if rest[wordStart..<wordEnd].elementsEqual("transaction:false".utf8) { transactional = false }
                rest = rest[wordEnd...]
            }
            return Directive(
                kind: kind, transactional: transactional,
                // Only a message needs the line as a String.
                text: kind == .unknown ? String(decoding: trimmed, as: UTF8.self) : "")
        }
    }
}
