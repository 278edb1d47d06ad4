import ArgumentParser
import Migrations

struct Down: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Roll back applied migrations, newest first.",
        usage: "migrator down [database options] [--var NAME=VALUE ...] [--steps N | --to VERSION | --all] [--dry-run]",
        discussion: """
            Each down section and the removal of its history row form one transaction. An
            empty or comment-only down (a 0-byte .down.sql, one holding only `-- no-op`,
            an empty `-- migrate:down` section) runs nothing: its history row is removed,
            as golang-migrate and dbmate do. If a needed down is missing (no .down.sql, no
            `-- migrate:down` section), nothing is rolled back. Placeholders in down
            sections are substituted as for `up` (see `migrator up --help`).
            """)

    @OptionGroup var db: DatabaseOptions

    @OptionGroup var vars: PlaceholderOptions

    @Option(parsing: .unconditional, help: "Roll back this many migrations (default 1).")
    var steps: Int?

    @Option(help: "Roll back every migration newer than this version (0 without a version-0 migration: all of them).")
    var to: MigrationVersion?

    @Flag(help: "Roll back every applied migration.")
    var all = false

    @Flag(name: .customLong("dry-run"), help: "Print the plan and change nothing.")
    var dryRun = false

    func validate() throws {
        if [steps != nil, to != nil, all].filter({ $0 }).count > 1 {
            throw ValidationError("give only one of --steps, --to and --all")
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
    }

    func run() throws {
        let target: Migrator.DownTarget = all ? .all : to.map { .to($0) } ?? .steps(steps ?? 1)
        try migrator.run { try db.settings.migrator { $0.placeholders = try vars.placeholders() }.down(target, dryRun: dryRun) }
    }
}
