import ArgumentParser
import Migrations
import System

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Create the next migration file (or files), in the layout of the files already in the directory.",
        discussion: """
            Follows the files already in the directory:
              golang-migrate, dbmate or none: VERSION_NAME.sql (-- migrate:up and
                -- migrate:down), or .up.sql and .down.sql with --layout split
              goose: VERSION_NAME.sql with -- +goose Up and -- +goose Down
              Prisma: VERSION_NAME/migration.sql
              Flyway: V<N>__NAME.sql (and U<N>__NAME.sql with --layout split),
                N the next whole number after the newest version
            VERSION is the current UTC time (YYYYMMDDHHMMSS), or one more than the
            newest version when that is later. `up` refuses the new file until its
            SQL is written.
            """)

    @Argument(help: "What the migration does, e.g. add_orders_table.")
    var name: String

    @Option(
        name: .customLong("dir"),
        help: ArgumentHelp("Migrations directory (default: MIGRATIONS_DIR, then ./migrations).", valueName: "path"))
    var directory: String?

    @Option(help: "single (one file with -- migrate:up/down sections) or split (.up.sql and .down.sql; Flyway: a U file too).")
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
