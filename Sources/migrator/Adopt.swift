import ArgumentParser
import Migrations

struct Adopt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt",
        abstract: "Take over the history of golang-migrate, dbmate, goose, Prisma or Flyway, so nothing they applied runs again.",
        usage: "migrator adopt golang-migrate|dbmate|goose|prisma|flyway [database options] [--migrations-table NAME] [--dry-run]",
        discussion: """
            Records every migration that the old tool's table says is applied as
            applied, without running it: with the checksum of today's file and
            applied_by "adopted from ...", in one transaction, under the migration
            lock. Afterwards `up` applies only what the old tool had not. The old
            table is only read, so the team can still go back to its old tool.

            What counts as applied:
              golang-migrate  its one row holds the latest version: every file at or
                              below it. A dirty row (a migration that failed partway) is
                              refused: check the database, then `migrate force VERSION`.
              dbmate          one row per applied version: exactly those files.
              goose           goose_db_version: each version whose last row says
                              is_applied (version 0 is goose's own first row).
              prisma          _prisma_migrations: each folder with a finished row that
                              was not rolled back; its checksum must match today's
                              migration.sql. A row that never finished (a failed
                              deploy) is refused: `prisma migrate resolve` it first.
              flyway          flyway_schema_history: each version whose last row is a
                              successful SQL row (UNDO_SQL and DELETE rows undo it), and
                              every file at or below a BASELINE row's version; its
                              Flyway checksum (CRC-32) must match today's V file. A
                              row with success = false is refused: `flyway repair` it
                              first. R__ rows are not adopted: `up` runs each once.
            Versions are matched by number (dbmate's "0002" is file 0002_...; Flyway's
            1.1 is V1_1__...), Prisma's by folder name. A version in the old table that no file has is refused, and
            nothing is recorded.

            Until a database has migrator history, `up`, `status`, `validate` and `down`
            refuse to guess when they find one of these tables (exit 3).

            EXIT CODES
              0   adopted (or, with --dry-run, shown)
              3   refused: a dirty golang-migrate table, an unfinished Prisma migration,
                  a failed Flyway migration, an edited file, or a version with no file
              4   another migrator held the lock longer than --lock-wait
              64  no such table, another tool's table, or the database already has
                  migrator history (adopting twice)

            EXAMPLES
              migrator adopt dbmate --dry-run
              migrator adopt golang-migrate --database-url postgres://app@db.internal/app
              migrator adopt golang-migrate --migrations-table app.schema_versions
              migrator adopt prisma --dry-run
              migrator adopt flyway --migrations-table app.flyway_schema_history
            """)

    @Argument(help: ArgumentHelp("The tool that wrote the history.", valueName: "tool"))
    var tool: LegacyHistory.Tool

    @OptionGroup var db: DatabaseOptions

    // Not --table: that names the migrator's own history table.
    @Option(
        name: .customLong("migrations-table"),
        help: ArgumentHelp(
            "The old tool's table, NAME (in the history's schema) or SCHEMA.NAME (default: schema_migrations, goose_db_version, _prisma_migrations or flyway_schema_history).",
            valueName: "name"))
    var migrationsTable: String?

    @Flag(name: .customLong("dry-run"), help: "Print what would be recorded and change nothing.")
    var dryRun = false

    func validate() throws {
        guard let migrationsTable else { return }
        let parts = migrationsTable.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 2 || parts.contains(where: \.isEmpty) {
            throw ValidationError("--migrations-table: '\(migrationsTable)' is not NAME or SCHEMA.NAME")
        }
    }

    func run() throws {
        try migrator.run { try db.settings.migrator().adopt(tool, table: migrationsTable ?? tool.defaultTable, dryRun: dryRun) }
    }
}

extension LegacyHistory.Tool: ExpressibleByArgument {}
