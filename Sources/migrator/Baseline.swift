import ArgumentParser
import Migrations

struct Baseline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record every migration up to a version as applied, without running it.",
        usage: "migrator baseline [database options] --version VERSION",
        discussion: "For databases that existed before the migrator: their schema already holds what those migrations create.")

    @OptionGroup var db: DatabaseOptions

    @Option(help: "The last version that the database already contains.")
    var version: MigrationVersion

    func run() throws {
        try migrator.run { try db.settings.migrator().baseline(version: version) }
    }
}
