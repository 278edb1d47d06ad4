import ArgumentParser
import Migrations
import System

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "new", abstract: "Create the next timestamped migration file (or files).")

    @Argument(help: "What the migration does, e.g. add_orders_table.")
    var name: String

    @Option(
        name: .customLong("dir"),
        help: ArgumentHelp("Migrations directory (default: MIGRATIONS_DIR, then ./migrations).", valueName: "path"))
    var directory: String?

    @Option(help: "single (one file with -- migrate:up/down sections) or split (.up.sql and .down.sql).")
    var layout: MigrationTemplate.Layout = .single

    func run() throws {
        try migrator.run {
            let dir = directory ?? ProcessEnvironment.current["MIGRATIONS_DIR"] ?? "migrations"
            for path in try MigrationTemplate.create(name: name, directory: dir, layout: layout) {
                Output.result(path)
            }
        }
    }
}

extension MigrationTemplate.Layout: ExpressibleByArgument {}
