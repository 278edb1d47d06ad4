/// Every option of ecs-run can also come from `ECS_RUN_<NAME>` (name upper-cased, `-` → `_`), because
/// Terraform's local-exec passes settings as environment variables. This turns the variables into the
/// arguments they stand for, so the parser (and its validation) treats both alike; flags win.
public enum OptionEnvironment {
    public static let prefix = "ECS_RUN_"

    /// The options whose variable is set to something and which the user did not pass before `--`, nor
    /// an option they yield to: those the environment supplies. An empty variable counts as unset, as a CI
    /// template or Terraform `environment` block passes an optional setting nobody filled in.
    public static func injected(_ arguments: [String], specs: [OptionSpec], environment: [String: String]) -> [OptionSpec] {
        let given = arguments.prefix { $0 != "--" }
        func isGiven(_ spec: OptionSpec) -> Bool { given.contains(where: spec.isPassed(by:)) }
        return specs.filter { spec in
            !(environment[spec.environmentName] ?? "").isEmpty && !isGiven(spec)
                && !specs.contains { spec.yieldsTo.contains($0.name) && isGiven($0) }
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
