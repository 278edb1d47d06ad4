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

    static let discussion = """
        PLACEHOLDERS
        Only when a run defines values (--var NAME=VALUE, repeatable, or
        MIGRATOR_VAR_<NAME>; a flag wins) is ${NAME} replaced, as plain text, also
        inside 'strings' and "identifiers": write '${NAME}' for a string literal.
        Comments and $tag$ dollar-quoted bodies (functions, DO blocks) are never
        touched; $${NAME} writes a literal ${NAME}. Names ignore case. A ${NAME}
        without a value stops the run before anything is applied (exit 64), naming
        file:line. Checksums cover the files as on disk, so a changed value is not
        drift: validate stays quiet and nothing runs again. Values whose name holds
        secret, password or token are never printed.
          migrator up --var app_role=orders_app --var env=prod
        """

    func placeholders() throws -> Placeholders {
        do {
            return try Placeholders.parse(flags: vars, environment: ProcessEnvironment.current)
        } catch let error as Placeholders.Invalid {
            Output.error(error.description)
            throw ExitCode(64)
        }
    }
}
