import ArgumentParser
import Migrations

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check files against the history; exit 3 on any drift.",
        usage: "migrator validate [database options]",
        discussion:
            "Drift is an applied migration whose file changed or is missing, a migration left running, or a pending migration older than the newest applied one."
    )

    @OptionGroup var db: DatabaseOptions

    func run() throws {
        try migrator.run { try db.settings.migrator().validate() }
    }
}
