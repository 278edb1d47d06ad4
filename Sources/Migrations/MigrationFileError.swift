/// Every problem found in a migrations directory. Nothing runs while there is one.
public struct MigrationFileError: Error, CustomStringConvertible, Sendable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var reason: String
        public init(file: String, reason: String) {
            self.file = file
            self.reason = reason
        }
        public var description: String { "\(file): \(reason)" }
    }

    public var problems: [Problem]

    public init(problems: [Problem]) { self.problems = problems }

    public var description: String {
        let noun = problems.count == 1 ? "problem" : "problems"
        return "\(problems.count) \(noun) with the migration files; nothing was applied:\n"
            + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
