import ArgumentParser
import FoundationEssentials
import Migrations
import System

/// `--var NAME=VALUE` and `MIGRATOR_VAR_<NAME>`, for the commands that run migration SQL.
struct PlaceholderOptions: ParsableArguments {
    @Option(
        name: .customLong("var"),
        help: ArgumentHelp("Substitute VALUE for ${NAME} in the SQL (repeatable; also MIGRATOR_VAR_<NAME>).", valueName: "name=value"))
    var vars: [String] = []

    @Option(
        name: .customLong("var-show"),
        help: ArgumentHelp("Print the value of ${NAME} although its name looks secret (repeatable).", valueName: "name"))
    var shown: [String] = []

    static let discussion = """
        PLACEHOLDERS
        Only when a run defines values (--var NAME=VALUE, repeatable, or
        MIGRATOR_VAR_<NAME>; a flag wins) is ${NAME} replaced, as plain text, also
        inside 'strings' and "identifiers": write '${NAME}' for a string literal.
        Comments and $tag$ dollar-quoted bodies (functions, DO blocks) are never
        touched; $${NAME} writes a literal ${NAME}. Names ignore case. A ${NAME}
        without a value stops the run before anything is applied (exit 64), naming
        file:line. Checksums cover the files as on disk, so a changed value is not
        drift: validate stays quiet and nothing runs again.
        Values are never printed (*** in the run's line, and replaced in server
        errors) when the name holds, in any case: pass, pwd, secret, token, key,
        credential, private, dsn or auth. --var-show NAME prints one anyway.
          migrator up --var app_role=orders_app --var env=prod
          migrator up --var cache_key_prefix=orders --var-show cache_key_prefix
        """

    func placeholders() throws -> Placeholders {
        try Self.placeholders(vars: vars, shown: shown)
    }

    /// `--var` and `--var-show` as given, with `MIGRATOR_VAR_*`; a bad one is reported here (exit 64).
    static func placeholders(vars: [String], shown: [String]) throws -> Placeholders {
        do {
            return try parse(flags: vars, environment: ProcessEnvironment.current, shown: shown)
        } catch let error as Invalid {
            Output.error(error.description)
            throw ExitCode(FailureText.usageStatus)
        }
    }

    /// A bad `--var` or `MIGRATOR_VAR_*`; its text never holds the value.
    struct Invalid: Error, CustomStringConvertible, Sendable {
        var description: String
    }

    /// From `--var NAME=VALUE` flags and `MIGRATOR_VAR_<NAME>` variables; a flag wins over the environment.
    /// `shown` (`--var-show NAME`) names values to print although their names look secret; each must be defined.
    static func parse(flags: [String], environment: [String: String], shown: [String] = []) throws -> Placeholders {
        var values: [String: String] = [:]
        for (key, value) in environment where key.hasPrefix(Placeholders.environmentPrefix) {
            let name = String(key.dropFirst(Placeholders.environmentPrefix.count))
            guard Placeholders.isName(name) else {
                throw Invalid(
                    description:
                        "\(key): \(name.isEmpty ? "no placeholder name follows \(Placeholders.environmentPrefix)" : "'\(name)' is not a placeholder name (letters, digits and _, not starting with a digit)")"
                )
            }
            try requireOneLine(value, "\(key)")
            values[name.lowercased()] = value
        }
        var fromFlags: Set<String> = []
        for flag in flags {
            guard let equals = flag.firstIndex(of: "=") else {
                throw Invalid(description: "--var '\(flag)': expected NAME=VALUE")
            }
            let name = String(flag[..<equals])
            guard Placeholders.isName(name) else {
                throw Invalid(description: "--var: '\(name)' is not a placeholder name (letters, digits and _, not starting with a digit)")
            }
            guard fromFlags.insert(name.lowercased()).inserted else {
                throw Invalid(description: "--var \(name) is given twice")
            }
            try requireOneLine(String(flag[flag.index(after: equals)...]), "--var \(name)")
            values[name.lowercased()] = String(flag[flag.index(after: equals)...])
        }
        for name in shown where values[name.lowercased()] == nil {
            throw Invalid(
                description:
                    "--var-show \(name): no placeholder of that name has a value (set it with --var \(name)=VALUE or \(Placeholders.environmentPrefix)\(name.uppercased()))"
            )
        }
        return Placeholders(values, shown: Set(shown))
    }

    /// A value on one line keeps every line of a file where it was, so statement lines and error lines
    /// stay the file's own.
    private static func requireOneLine(_ value: String, _ what: String) throws {
        if value.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            throw Invalid(description: "\(what): the value spans several lines; a placeholder's value must be one line")
        }
    }
}
