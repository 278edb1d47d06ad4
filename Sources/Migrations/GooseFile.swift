import System

/// goose's SQL migration file, read by goose's rules (its `sqlparser`):
///
/// - `-- +goose Up` opens the up section, and an optional `-- +goose Down` the down section after it;
///   before Up only blank lines, comments and the file-wide annotations may stand.
/// - `-- +goose StatementBegin` … `-- +goose StatementEnd` make the lines between them one statement,
///   whatever semicolons they hold (`SQLSection.statementBlocks`).
/// - `-- +goose NO TRANSACTION`, anywhere, runs both sections outside a transaction.
/// - `-- +goose ENVSUB ON` … `OFF` (or the end) is where `${NAME}` is substituted
///   (`SQLSection.substitutionRegions`), by the migrator's placeholders.
///
/// An annotation starts at the start of its line, `+goose` in lower case; the annotation's words are
/// matched without regard to case, as goose matches them. A file without a Down section rolls back
/// running nothing, as goose rolls it back.
struct GooseFile {
    var up: SQLSection
    var down: SQLSection
    /// The down section is missing, empty or only comments.
    var downIsEmpty: Bool

    enum Result { case success(GooseFile), failure(String) }

    /// The failure of a file without `-- +goose Up`.
    static let noUpAnnotation = "no -- +goose Up line: a goose file starts its up section with one"

    private enum Annotation: String, CaseIterable {
        case up = "Up"
        case down = "Down"
        case statementBegin = "StatementBegin"
        case statementEnd = "StatementEnd"
        case noTransaction = "NO TRANSACTION"
        case envsubOn = "ENVSUB ON"
        case envsubOff = "ENVSUB OFF"
    }

    /// A line of the file: its 0-based number, where it starts and where the next one starts (offsets
    /// from the start of the SQL).
    private struct Line {
        var number: Int
        var start: Int
        var next: Int
    }

    static func parse(_ text: FileText, file: String) -> Result {
        var up: Line?
        var down: Line?
        var openBlock: Line?
        var blocks: [Range<Int>] = []
        var envsubFrom: Int?
        var regions: [Range<Int>] = []
        var transactional = true
        var failure: String?
        let count = text.buffer.withBytes(text.range) { bytes -> Int in
            var number = 0
            var start = 0
            while start <= bytes.count && failure == nil {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                let line = Line(number: number, start: start, next: min(end + 1, bytes.count))
                // A marker is short: a line of megabytes is data, and only its start is decoded.
                let raw = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(end, start + 4096)]), as: UTF8.self)
                let trimmed = raw.trimmingUnicodeWhitespace()
                func fail(_ why: String) { failure = "line \(number + 1): \(why)" }
                if trimmed.hasPrefix("--"), trimmed.lowercased().contains("+goose") {
                    switch annotation(trimmed, indented: raw.first.map { $0 == " " || $0 == "\t" } ?? false) {
                    case .failure(let why): fail(why)
                    case .success(.up):
                        if let first = up { fail("a second -- +goose Up (the first is on line \(first.number + 1))") } else { up = line }
                    case .success(.down):
                        if up == nil {
                            fail("-- +goose Down, but no -- +goose Up before it: a goose file starts its up section with -- +goose Up")
                        } else if let down {
                            fail("a second -- +goose Down (the first is on line \(down.number + 1))")
                        } else if let openBlock {
                            fail(
                                "-- +goose Down inside the StatementBegin block of line \(openBlock.number + 1): close that block with -- +goose StatementEnd first"
                            )
                        } else {
                            down = line
                        }
                    case .success(.statementBegin):
                        if up == nil {
                            fail("-- +goose StatementBegin before -- +goose Up: a block belongs to a section")
                        } else if let openBlock {
                            fail(
                                "-- +goose StatementBegin inside the block opened on line \(openBlock.number + 1): close it with -- +goose StatementEnd first"
                            )
                        } else {
                            openBlock = line
                        }
                    case .success(.statementEnd):
                        if let begin = openBlock {
                            blocks.append(begin.next..<line.start)
                            openBlock = nil
                        } else {
                            fail("-- +goose StatementEnd without a -- +goose StatementBegin before it")
                        }
                    case .success(.noTransaction): transactional = false
                    case .success(.envsubOn): if envsubFrom == nil { envsubFrom = line.next }
                    case .success(.envsubOff):
                        if let from = envsubFrom { regions.append(from..<line.start) }
                        envsubFrom = nil
                    }
                } else if up == nil && !trimmed.isEmpty && !trimmed.hasPrefix("--") {
                    fail("SQL before -- +goose Up belongs to no section and would never run; move it below that line")
                }
                if end == bytes.count { break }
                start = end + 1
                number += 1
            }
            return bytes.count
        }
        if let failure { return .failure(failure) }
        guard let up else { return .failure(noUpAnnotation) }
        if let openBlock {
            return .failure(
                "line \(openBlock.number + 1): -- +goose StatementBegin has no -- +goose StatementEnd: end the block with one")
        }
        if let from = envsubFrom { regions.append(from..<count) }
        let base = text.range.lowerBound
        func section(_ marker: Line, endingAt end: Int) -> SQLSection {
            let range = marker.next..<max(marker.next, end)
            var section = text.section(
                (base + range.lowerBound)..<(base + range.upperBound), file: file, firstLine: marker.number + 2,
                transactional: transactional)
            section.statementBlocks = blocks.filter { range.contains($0.lowerBound) }.map {
                ($0.lowerBound - range.lowerBound)..<($0.upperBound - range.lowerBound)
            }
            section.substitutionRegions = regions.compactMap { region in
                let from = max(region.lowerBound, range.lowerBound)
                let to = min(region.upperBound, range.upperBound)
                return from < to ? (from - range.lowerBound)..<(to - range.lowerBound) : nil
            }
            return section
        }
        let upSection = section(up, endingAt: down?.start ?? count)
        // No Down section: goose rolls the file back running nothing, and so does the migrator.
        let downSection = down.map { section($0, endingAt: count) } ?? section(Line(number: 0, start: count, next: count), endingAt: count)
        return .success(GooseFile(up: upSection, down: downSection, downIsEmpty: !SQLSplitter.hasCode(downSection)))
    }

    private enum AnnotationResult { case success(Annotation), failure(String) }

    /// What a trimmed comment line holding `+goose` (in any case) says, by goose's rules.
    private static func annotation(_ line: String, indented: Bool) -> AnnotationResult {
        guard !indented else {
            return .failure("`\(line)` is indented: goose reads an annotation only at the start of its line")
        }
        let words = line.dropFirst(2).drop { $0 == " " || $0 == "\t" }
        guard words.hasPrefix("+goose") else {
            return .failure("`\(line)`: goose reads its annotations only as `-- +goose` in lower case; this line would be a comment")
        }
        let said = words.dropFirst("+goose".count).trimmed(of: " \t")
        guard let found = Annotation.allCases.first(where: { $0.rawValue.lowercased() == said.lowercased() }) else {
            return .failure(
                "`\(line)` is not a goose annotation (goose reads Up, Down, StatementBegin, StatementEnd, NO TRANSACTION, ENVSUB ON and ENVSUB OFF)"
            )
        }
        return .success(found)
    }
}

extension Substring {
    fileprivate func trimmed(of set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
