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
        do {
            return try Placeholders.parse(flags: vars, environment: ProcessEnvironment.current, shown: shown)
        } catch let error as Placeholders.Invalid {
            Output.error(error.description)
            throw ExitCode(64)
        }
    }
}
