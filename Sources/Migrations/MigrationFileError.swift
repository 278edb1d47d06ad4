/// Every problem found in a migrations directory. Nothing runs while there is one.
public struct MigrationFileError: Error, CustomStringConvertible, Sendable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var reason: String
        /// Set when the file is part of a layout the migrator recognises but does not read.
        public var clue: LayoutClue?
        public init(file: String, reason: String) {
            self.file = file
            self.reason = reason
        }
        public init(file: String, clue: LayoutClue) {
            self.file = file
            reason = clue.description
            self.clue = clue
        }
        public var description: String { "\(file): \(reason)" }
    }

    public var problems: [Problem]
    /// What the problems are with: "the migration files", or "placeholders".
    public var what: String

    public init(problems: [Problem], what: String = "the migration files") {
        self.problems = problems
        self.what = what
    }

    public var description: String {
        let noun = problems.count == 1 ? "problem" : "problems"
        return "\(problems.count) \(noun) with \(what); nothing was applied:\n"
            + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
