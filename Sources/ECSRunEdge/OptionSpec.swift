import ECSTasks

/// One option that an `ECS_RUN_<NAME>` variable can supply, and how its text becomes arguments.
public struct OptionSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `--name VALUE`
        case value
        /// `--name`, set by a true-ish variable (1, true, yes, on).
        case flag
        /// `--name` or `--no-name`: a true-ish variable sets the first, a false-ish one the second.
        case invertible
        /// `--name VALUE` repeated; the variable holds one value per line.
        case repeated
    }

    public var name: String
    public var kind: Kind
    public var short: Character?
    /// Options that replace this one when passed as flags, so that its variable is not used then: a flag
    /// wins over the environment also when it says the same thing another way (`--network-from-service`
    /// over `ECS_RUN_SUBNETS`).
    public var yieldsTo: [String]

    public init(_ name: String, _ kind: Kind = .value, short: Character? = nil, yieldsTo: [String] = []) {
        self.name = name
        self.kind = kind
        self.short = short
        self.yieldsTo = yieldsTo
    }

    /// A flag's variable that is neither true nor false: a usage error.
    public struct NotABoolean: Error, Equatable {
        public var variable: String
        public var value: String
        public var ending: TaskEnding { .usageError }
    }

    public var environmentName: String {
        "ECS_RUN_" + String(name.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// The spellings of the option on a command line: `--name`, `--no-name` for an invertible flag.
    var longForms: [String] {
        kind == .invertible ? ["--" + name, "--no-" + name] : ["--" + name]
    }

    /// Whether `argument` (before `--`) passes this option.
    func isPassed(by argument: String) -> Bool {
        if longForms.contains(where: { argument == $0 || argument.hasPrefix($0 + "=") }) { return true }
        guard let short, !argument.hasPrefix("--") else { return false }
        return argument.hasPrefix("-" + String(short))
    }

    /// The arguments that the variable's text stands for. A value is attached with `=`, so that one
    /// starting with `-` is not taken for an option; an empty one cannot be attached, and stays a value.
    func arguments(forVariable raw: String) throws -> [String] {
        func attached(_ value: String) -> [String] { value.isEmpty ? ["--" + name, ""] : ["--" + name + "=" + value] }
        switch kind {
        case .value:
            return attached(raw)
        case .flag, .invertible:
            switch String(raw.lowercased().filter { !$0.isWhitespace }) {
            case "1", "true", "yes", "on": return ["--" + name]
            case "0", "false", "no", "off": return kind == .invertible ? ["--no-" + name] : []
            case "": return []
            default:
                throw NotABoolean(variable: environmentName, value: raw)
            }
        case .repeated:
            return raw.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                .filter { !$0.allSatisfy(\.isWhitespace) }
                .flatMap { attached(String($0)) }
        }
    }

    /// Whether a message names this option: `--name` (or `--no-name`) as a whole word.
    func isNamed(in message: String) -> Bool {
        let words = message.split { !($0.isLetter || $0.isNumber || $0 == "-") }
        return words.contains { longForms.contains(String($0)) }
    }
}
