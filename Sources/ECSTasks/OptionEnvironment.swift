/// Every option of ecs-run can also come from `ECS_RUN_<NAME>` (name upper-cased, `-` → `_`), because
/// Terraform's local-exec passes settings as environment variables. This turns the variables into the
/// arguments they stand for, so the parser (and its validation) treats both alike; flags win.
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

    public init(_ name: String, _ kind: Kind = .value, short: Character? = nil) {
        self.name = name
        self.kind = kind
        self.short = short
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
                throw RunFailure.usage("\(environmentName)=\"\(raw)\" must be true or false (1/0, yes/no, on/off)")
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

public enum OptionEnvironment {
    public static let prefix = "ECS_RUN_"

    /// The options whose variable is set to something and which the user did not pass before `--`: those
    /// the environment supplies. An empty variable counts as unset, as a CI template or Terraform
    /// `environment` block passes an optional setting nobody filled in.
    public static func injected(_ arguments: [String], specs: [OptionSpec], environment: [String: String]) -> [OptionSpec] {
        let given = arguments.prefix { $0 != "--" }
        return specs.filter { spec in
            !(environment[spec.environmentName] ?? "").isEmpty && !given.contains(where: spec.isPassed(by:))
        }
    }

    /// `arguments` (after the subcommand name) with the arguments of every set variable whose option
    /// the user did not pass, inserted before `--`.
    public static func arguments(_ arguments: [String], specs: [OptionSpec], environment: [String: String]) throws -> [String] {
        let terminator = arguments.firstIndex(of: "--") ?? arguments.endIndex
        var added: [String] = []
        for spec in injected(arguments, specs: specs, environment: environment) {
            added += try spec.arguments(forVariable: environment[spec.environmentName] ?? "")
        }
        return Array(arguments[..<terminator]) + added + arguments[terminator...]
    }

    /// The supplied options that a usage error's message names, so the error can name their variables.
    public static func blamed(by message: String, injected: [OptionSpec]) -> [OptionSpec] {
        injected.filter { $0.isNamed(in: message) }
    }

    /// Variables with the prefix that match no option: likely typos, worth a warning.
    public static func unknownVariables(specs: [OptionSpec], environment: [String: String]) -> [String] {
        let known = Set(specs.map(\.environmentName))
        return environment.keys.filter { $0.hasPrefix(prefix) && !known.contains($0) }.sorted()
    }
}
