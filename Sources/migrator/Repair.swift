import ArgumentParser
import Migrations

struct Repair: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Resolve a migration left running, or accept an edited migration's checksum.",
        usage: "migrator repair [database options] --version VERSION (--mark applied|pending | --accept-checksum)",
        discussion: """
            A migration run outside a transaction that was interrupted stays `running`,
            and `up` refuses to continue. Check which of its statements took effect:
              all of them:   migrator repair --version V --mark applied
              none (or you undid them; it runs again next time):
                             migrator repair --version V --mark pending
            An applied migration whose file was edited on purpose:
                             migrator repair --version V --accept-checksum
            repair never runs migration SQL.
            """)

    @OptionGroup var db: DatabaseOptions

    @Option(help: "The migration's version.")
    var version: MigrationVersion

    @Option(help: "applied or pending: how to record a migration left running.")
    var mark: Mark?

    @Flag(name: .customLong("accept-checksum"), help: "Record the edited file's checksum for an applied migration.")
    var acceptChecksum = false

    enum Mark: String, ExpressibleByArgument, CaseIterable { case applied, pending }

    func validate() throws {
        if (mark == nil) == !acceptChecksum {
            throw ValidationError("give exactly one of --mark applied|pending and --accept-checksum")
        }
    }

    func run() throws {
        let action: Migrator.RepairAction = acceptChecksum ? .acceptChecksum : (mark == .applied ? .markApplied : .markPending)
        try migrator.run { try db.settings.migrator().repair(version: version, action: action) }
    }
}
