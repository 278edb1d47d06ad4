/// Every option of ecs-run can also come from `ECS_RUN_<NAME>` (name upper-cased, `-` → `_`), because
/// Terraform's local-exec passes settings as environment variables. This turns the variables into the
/// arguments they stand for, so the parser (and its validation) treats both alike; flags win.
public struct OptionSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `--name VALUE`
        case value
        /// `--name`, set by a true-ish variable (1, true, yes, on).
        case flag
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
}

public enum OptionEnvironment {
    public static let prefix = "ECS_RUN_"

    /// `arguments` (after the subcommand name) with the arguments of every set variable whose option
    /// the user did not pass, inserted before `--`.
    public static func arguments(_ arguments: [String], specs: [OptionSpec], environment: [String: String]) throws -> [String] {
        let terminator = arguments.firstIndex(of: "--") ?? arguments.endIndex
        let given = arguments[..<terminator]
        var added: [String] = []
        for spec in specs {
            guard let raw = environment[spec.environmentName] else { continue }
            let passed = given.contains { arg in
                arg == "--" + spec.name || arg.hasPrefix("--" + spec.name + "=")
                    || (spec.short.map { arg == "-" + String($0) || (arg.hasPrefix("-" + String($0)) && !arg.hasPrefix("--")) } ?? false)
            }
            if passed { continue }
            switch spec.kind {
            case .value:
                added += ["--" + spec.name, raw]
            case .flag:
                switch String(raw.lowercased().filter { !$0.isWhitespace }) {
                case "1", "true", "yes", "on": added.append("--" + spec.name)
                case "", "0", "false", "no", "off": break
                default:
                    throw RunFailure.usage("\(spec.environmentName)=\"\(raw)\" must be true or false (1/0, yes/no, on/off)")
                }
            case .repeated:
                for line in raw.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) where !line.allSatisfy(\.isWhitespace) {
                    added += ["--" + spec.name, String(line)]
                }
            }
        }
        var result = Array(given) + added
        result += arguments[terminator...]
        return result
    }

    /// Variables with the prefix that match no option: likely typos, worth a warning.
    public static func unknownVariables(specs: [OptionSpec], environment: [String: String]) -> [String] {
        let known = Set(specs.map(\.environmentName))
        return environment.keys.filter { $0.hasPrefix(prefix) && !known.contains($0) }.sorted()
    }
}
