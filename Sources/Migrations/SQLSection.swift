/// The SQL of one direction (up or down) of a migration, and where it sits in its file.
public struct SQLSection: Sendable, Equatable {
    /// Exactly the SQL sent to the server.
    public var text: String
    /// The file it came from.
    public var file: String
    /// 1-based line of `file` where `text` begins.
    public var firstLine: Int
    /// False when the migration opted out of its transaction.
    public var transactional: Bool
    /// Set once placeholders were substituted into `text`: where its characters sit in the file.
    public var placeholders: PlaceholderMap? = nil

    public init(text: String, file: String, firstLine: Int, transactional: Bool) {
        self.text = text
        self.file = file
        self.firstLine = firstLine
        self.transactional = transactional
    }

    /// 1-based line of `file` where `text` ends: what a linter of this section alone must read.
    public var lastLine: Int {
        let newlines = text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        return max(firstLine, firstLine + newlines - (text.utf8.last == UInt8(ascii: "\n") ? 1 : 0))
    }

    /// Maps a server error position (PostgreSQL counts 1-based characters, i.e. code points, into the query
    /// string) to a 1-based line and column of the file. `offset` is where the query began within `text`,
    /// in code points, for statements sent one at a time. Positions after substituted placeholders are
    /// mapped back to the file's own characters.
    public func location(ofCharacter position: Int, offset: Int = 0) -> (line: Int, column: Int) {
        var target = max(position - 1, 0) + offset
        if let placeholders { target = placeholders.originalOffset(target) }
        var line = firstLine
        var column = 1
        var index = 0
        for scalar in (placeholders?.original ?? text).unicodeScalars {
            if index == target { break }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }
        return (line, column)
    }
}
