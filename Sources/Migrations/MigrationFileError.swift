import System

/// Every problem found in a migrations directory. Nothing runs while there is one.
public struct MigrationFileError: Error, CustomStringConvertible, Sendable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var reason: String
        /// Set when the file is part of a layout the migrator recognises but does not read.
        public var clue: LayoutClue?
        /// Set when the fix is a setting the executable names in its own words.
        public var hint: Hint?
        public init(file: String, reason: String, hint: Hint? = nil) {
            self.file = file
            self.reason = reason
            self.hint = hint
        }
        public init(file: String, clue: LayoutClue) {
            self.file = file
            reason = clue.description
            self.clue = clue
        }
        public var description: String { "\(file): \(reason)" }
    }

    /// The setting that fixes a problem.
    public enum Hint: Sendable, Equatable {
        /// Point the migrator at the right directory.
        case setDirectory
        /// Give the placeholder `name` a value.
        case setPlaceholder(String)
    }

    public var problems: [Problem]
    /// What the problems are with: "the migration files", or "placeholders".
    public var what: String

    public init(problems: [Problem], what: String = "the migration files") {
        self.problems = problems
        self.what = what
    }

    public var description: String { lines.joined(separator: "\n") }

    /// The message a line at a time (see `MigratorError.lines`).
    public var lines: [String] {
        let noun = problems.count == 1 ? "problem" : "problems"
        return ["\(problems.count) \(noun) with \(what); nothing was applied:"] + problems.map { "  \($0)" }
    }
}

extension MigrationFileError {
    /// "cannot be read: Is a directory"; for a permission, who was refused: the same files are readable
    /// by another user, and in a container the fix is the image's file modes or the task's user.
    static func reason(_ what: String, _ error: Error) -> String {
        guard let failure = error as? FileBytes.ReadFailure else { return "\(what): \(error)" }
        if failure.isPermissionDenied { return "\(what): permission denied (the migrator runs as \(ProcessUser.description))" }
        return "\(what): \(failure)"
    }

    /// A name with a newline, an escape sequence or another control character: printed as it is, it could
    /// forge lines of the log (`x\napplied 0003_backdoor.sql`) or rewrite a terminal, and each is refused like
    /// a NUL byte in the SQL.
    static let controlCharacterInName =
        "the file name holds a control character (shown escaped), which could forge lines of the output: rename the file"
}
