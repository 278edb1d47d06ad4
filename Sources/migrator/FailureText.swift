import Migrations
import Postgres

/// The migrator's words for what the library reports as values, and the exit code of each failure: the
/// one place that names the migrator's commands and flags in a message. Which layouts this release reads
/// is decided here too, so a release that reads one changes only these words.
enum FailureText {
    /// Usage errors, bad files, none at all: nothing was applied.
    static let usageStatus: Int32 = 64

    /// The documented exit code (see `migrator --help`).
    static func status(_ error: MigratorError) -> Int32 {
        switch error {
        case .files, .noMigrations, .unknownVersion, .noDownMigration, .layoutHasNoDowns, .repeatableNeedsTransaction, .repairRefused,
            .adoptionRefused, .badMigrationName, .badDatabaseURL, .noCurrentSchema, .usage:
            return usageStatus
        case .migrationFailed, .database: return 1
        case .refused, .drift, .notAdopted, .adoptionProblems: return 3
        case .lockTimeout: return 4
        case .connect: return 5
        }
    }

    /// A line at a time: the output escapes each, and names from files and the server sit inside them.
    /// Over 50 lines because it is one case per failure, so that each new one is worded beside its
    /// siblings; the long ones call the helpers below.
    static func message(_ error: MigratorError) -> [String] {
        switch error {
        case .noMigrations(let found): return noMigrations(found)
        case .files(let files):
            let clues = files.problems.compactMap(\.clue)
            let layouts = ForeignLayout.allCases.filter { layout in clues.contains { $0.layout == layout } }
            return [files.lines[0]] + files.problems.map { "  " + problem($0) }
                + layouts.flatMap { layout in
                    layout == .flyway ? flywayFixes(clues) : ["  \(layout.rawValue): " + notRead(layout) + "; " + mixedFix(layout)]
                }
        case .unknownVersion(let version, let nearest, let option):
            return [
                "\(option == .target ? "--to" : "--version") \(version): no migration has this version"
                    + (nearest.isEmpty
                        ? " (there are no migrations)" : "; the nearest are \(nearest.map(\.description).joined(separator: ", "))")
                    + "; nothing was changed"
            ]
        case .noDownMigration(let labels):
            // Flyway's labels are its file names, V<version>__NAME: their down is an undo file.
            if labels.allSatisfy({ $0.hasPrefix("V") && $0.contains("__") }) {
                return [
                    "cannot roll back: no undo migration for " + labels.joined(separator: ", ")
                        + "; nothing was rolled back (add a U<version>__NAME.sql file of the same version; an empty one undoes nothing)"
                ]
            }
            return [
                "cannot roll back: no down migration for " + labels.joined(separator: ", ")
                    + "; nothing was rolled back (a down that should do nothing is an empty down file or -- migrate:down section)"
            ]
        case .layoutHasNoDowns(let label, _):
            return [
                "cannot roll back \(label): Prisma migrations have no down migrations (Prisma writes none);"
                    + " to undo one, add a new migration folder that reverses it; nothing was rolled back"
            ]
        case .repeatableNeedsTransaction(let label, let reason):
            return [
                "repeatable migration \(label) \(reason ?? "cannot run in a transaction")"
                    + "; a repeatable migration always runs in its own transaction: move that statement to a versioned migration; nothing was applied"
            ]
        case .repairRefused(let refusal): return [repair(refusal)]
        case .adoptionRefused(let refusal): return [adoption(refusal)]
        case .badMigrationName:
            return [
                "the migration name may only use ASCII letters and digits (anything else between them becomes _), e.g. `migrator new add_users_table`"
            ]
        case .badDatabaseURL(let message): return ["bad --database-url: \(message)"]
        case .noCurrentSchema: return ["the connection has no current schema (search_path names no existing schema); set --schema"]
        case .usage(let message), .lockTimeout(let message): return [message]
        case .migrationFailed(let failure): return self.failure(failure)
        case .database(let what, let error):
            return ["\(what): \(error.message)" + (error.sqlState.map { " (SQLSTATE \($0))" } ?? "")]
                + (error.detail.map { ["DETAIL: \($0)"] } ?? []) + (error.hint.map { ["HINT: \($0)"] } ?? [])
        case .refused(let refusals): return validationFailed(refusals.map(refusal))
        case .drift(let drift): return validationFailed(drift.map(self.drift))
        case .notAdopted(let found, let tool, let history):
            return validationFailed([
                "found \(found), and no migrator history (\(history)); the migrator will not guess which migrations already ran. "
                    + "Adopt that history first: `migrator adopt \(tool.rawValue)` (`--dry-run` shows what it would record; see `migrator adopt --help`)"
            ])
        case .adoptionProblems(let problems):
            // dbmate's, goose's and Prisma's problems come as a list, which one line closes.
            let listed = problems.contains {
                switch $0 {
                case .notAVersion, .noFiles, .renamed, .edited, .editedSinceFlyway: true
                case .dirty, .unknownLatest, .unfinished, .failed: false
                }
            }
            return validationFailed(problems.map(adoption) + (listed ? ["nothing was recorded"] : []))
        case .connect(let error, let attempts, let seconds):
            let tries = attempts == 1 ? "" : " after \(attempts) attempts in \(Int(seconds.rounded())) s"
            // libpq words a failed connection over several lines (its hint on a tab-indented one, the same
            // failure once per address or SSL mode tried): each on a line of its own, and once.
            var lines: [String] = []
            for line in error.message.split(separator: "\n") {
                let text = String(line.drop { $0 == " " || $0 == "\t" })
                if !text.isEmpty && !lines.contains(text) { lines.append(text) }
            }
            return ["could not connect to the database\(tries): \(lines.first ?? error.message)"] + lines.dropFirst()
        }
    }

    /// A progress line, as `Output.progress` writes it.
    static func progress(_ event: MigrationProgress) -> String {
        switch event {
        case .note(let line): return line
        case .repeatablesNotRun(let target):
            return "repeatable migrations are not run with --to \(target), which stops short of the newest migration"
        case .adoptionCounted(let recorded, let left, let dryRun):
            return "\(dryRun ? "would record" : "recorded") \(migrations(recorded)); \(left) left for `migrator up`"
        case .adopted(let legacy, let table, let recorded, let left):
            return "adopted \(legacy): recorded \(migrations(recorded)); \(left) left for `migrator up`; \(table) was left as it is"
        }
    }

    private static func migrations(_ n: Int) -> String {
        "\(n) migration\(n == 1 ? "" : "s")"
    }

    private static func validationFailed(_ problems: [String]) -> [String] {
        ["validation failed:"] + problems.map { "  - \($0)" }
    }

    private static func problem(_ p: MigrationFileError.Problem) -> String {
        switch p.hint {
        case nil: return p.description
        case .setDirectory: return "\(p.description) (set --dir or MIGRATIONS_DIR)"
        case .setPlaceholder(let name):
            return "\(p.description); set --var \(name)=VALUE or \(Placeholders.environmentPrefix)\(name.uppercased())"
        }
    }

    private static func refusal(_ refusal: Refusal) -> String {
        switch refusal {
        case .beingApplied(let label, let holder):
            return "migration \(label) is being applied or rolled back now by \(holder); wait for it to finish"
        case .leftRunning(let version, let label, let files):
            return "migration \(label) was left running: a migrator stopped while applying or rolling it back outside a transaction. "
                + "Check which statements of \(files.isEmpty ? "it" : files.joined(separator: " or ")) took effect. "
                + "If the migration is in effect, run `migrator repair --version \(version) --mark applied`; "
                + "if it is not (never applied, or wholly rolled back), run `migrator repair --version \(version) --mark pending`"
        case .checksumChanged(let version, let label):
            return "migration \(label) was changed after it was applied. Restore the file, or if the change is intended run "
                + "`migrator repair --version \(version) --accept-checksum`"
        case .outOfOrder(let label):
            return "migration \(label) is older than the newest applied one; apply it with --allow-out-of-order if that is intended"
        }
    }

    private static func drift(_ drift: Drift) -> String {
        switch drift {
        case .checksumChanged(let label): return "\(label): the file changed after it was applied"
        case .fileMissing(let label): return "\(label): applied, but its file is missing"
        case .leftRunning(let label): return "\(label): left running outside a transaction; see `migrator repair`"
        case .outOfOrder(let label): return "\(label): pending, but older than the newest applied migration"
        }
    }

    private static func repair(_ refusal: RepairRefusal) -> String {
        switch refusal {
        case .notLeftRunning(let v):
            return "migration \(v) is not left running; `repair --mark` only resolves a migration left running (see `migrator status`)"
        case .notApplied(let v): return "migration \(v) is not applied; nothing to accept"
        case .noFile(let v): return "migration \(v) has no file; restore it before accepting its checksum"
        }
    }

    private static func failure(_ f: MigrationFailure) -> [String] {
        var where_ = f.file
        if let line = f.line { where_ += ":\(line)" }
        if let column = f.column { where_ += ":\(column)" }
        var lines = ["migration \(f.migration) failed at \(where_)"]
        lines.append("  \(f.error.severity ?? "ERROR")" + (f.error.sqlState.map { " \($0)" } ?? "") + ": \(f.error.message)")
        if let detail = f.error.detail { lines.append("  DETAIL: \(detail)") }
        if let hint = f.error.hint { lines.append("  HINT: \(hint)") }
        let advice = [f.aftermath.map { aftermath($0, f) }, f.lockAttempts.map(attempts)].compactMap { $0 }
        if !advice.isEmpty { lines.append(advice.joined(separator: "\n")) }
        return lines
    }

    /// What took effect of a migration run outside a transaction, and the repair that resolves it.
    private static func aftermath(_ aftermath: MigrationFailure.Aftermath, _ f: MigrationFailure) -> String {
        let v = f.version.map(\.description) ?? "VERSION"
        let open = "  The open transaction was rolled back; statements before its BEGIN took effect. "
        switch aftermath {
        case .upUndone: return "  Nothing of it took effect and the history is unchanged."
        case .upPartial(let run, let invalidIndex):
            return "  " + ran("It", run) + " It stays recorded as running."
                + (invalidIndex.map {
                    " A failed \($0) leaves an INVALID index behind"
                        + " (SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid); drop it with DROP INDEX CONCURRENTLY."
                } ?? "")
                + " Fix the database, then run `migrator repair --version \(v) --mark applied` or `--mark pending`."
        case .upLeftTransactionOpen:
            return open
                + "It stays recorded as running. Add the COMMIT, undo what took effect, then run `migrator repair --version \(v) --mark pending`."
        case .downUndone: return "  Nothing of the down migration took effect; the history still lists \(f.migration) as applied."
        case .downPartial(let run):
            return "  " + ran("The down migration", run)
                + " \(f.migration) is recorded as running. Finish or undo the rollback by hand, then run \(downRepair(v))."
        case .downLeftTransactionOpen:
            return open
                + "\(f.migration) is recorded as running. Add the COMMIT, finish or undo the rollback by hand, then run \(downRepair(v))."
        }
    }

    private static func downRepair(_ v: String) -> String {
        "`migrator repair --version \(v) --mark pending` (rolled back) or `--mark applied` (in effect)"
    }

    /// "`subject` ran outside a transaction: statements before line N took effect.", and the block the SQL had open.
    private static func ran(_ subject: String, _ run: MigrationFailure.StatementsRun) -> String {
        guard let line = run.firstUncommittedLine else { return "\(subject) ran outside a transaction." }
        return "\(subject) ran outside a transaction: statements before line \(line) took effect."
            + (run.rolledBackOpenTransaction ? " The transaction it had open was rolled back." : "")
    }

    private static func attempts(_ a: MigrationFailure.LockAttempts) -> String {
        "  Tried \(a.tried) time\(a.tried == 1 ? "" : "s") (--lock-retries \(a.retries))"
            + (a.partTookEffect ? "; not retried, because part of it took effect." : ".")
    }

    static func noMigrations(_ found: NoMigrationsFound) -> [String] {
        let shown =
            found.entries.prefix(8).joined(separator: ", ") + (found.entries.count > 8 ? ", … (\(found.entries.count - 8) more)" : "")
        let contents =
            found.entries.isEmpty
            ? "it is empty" : "it holds \(found.entries.count) entr\(found.entries.count == 1 ? "y" : "ies"): \(shown)"
        var lines = ["no migration found in \(found.directory), so nothing was applied; \(contents)"]
        switch found.resemblance {
        case .emptyFolder:
            lines.append(
                "  fix: point --dir (or MIGRATIONS_DIR) at the folder of migrations, or check that the image copies them there (COPY migrations /migrations)"
            )
        case .sqlInSubfolder:
            let example = found.sqlInFolders[0]
            let folder = example.split(separator: "/").dropLast().joined(separator: "/")
            let path = (found.directory.hasSuffix("/") ? found.directory : found.directory + "/") + folder
            lines.append("  the .sql files are one folder down: " + found.sqlInFolders.prefix(3).joined(separator: ", "))
            lines.append("  fix: --dir \(path) (or MIGRATIONS_DIR=\(path)), or copy that folder itself into the image")
        case .otherFiles:
            lines.append(
                "  none is a migration: the migrator reads VERSION_NAME.sql with -- migrate:up (dbmate), VERSION_NAME.up.sql"
                    + " and VERSION_NAME.down.sql (golang-migrate), VERSION_NAME.sql with -- +goose Up (goose),"
                    + " TIMESTAMP_NAME/migration.sql folders (Prisma), V<version>__NAME.sql and U<version>__NAME.sql (Flyway), and R__NAME.sql"
            )
            lines.append("  fix: point --dir (or MIGRATIONS_DIR) at the folder of migrations")
        case .layout(let layout):
            let seen = found.sightings(of: layout)
            let examples = seen.prefix(3).map { sighting -> String in
                if case .gooseAnnotation(let text, let line) = sighting.clue { return "\(sighting.entry) (`\(text)` on line \(line))" }
                return sighting.entry
            }
            lines.append(
                "  it looks like \(article(layout)) \(layout.rawValue) migrations directory: " + examples.joined(separator: ", ")
                    + (seen.count > 3 ? " and \(seen.count - 3) more like them" : ""))
            switch layout {
            case .goose:
                lines.append(
                    "  goose's Go migrations run only inside a program built with goose; the migrator reads goose's SQL files:"
                        + " rewrite them as VERSION_NAME.sql with -- +goose Up, or run that program in this task instead")
            case .prisma:
                lines.append(
                    "  a Prisma lock file without a migration folder (TIMESTAMP_NAME/\(migrationSQL)) beside it:"
                        + " point --dir (or MIGRATIONS_DIR) at the folder that holds both, as Prisma's prisma/migrations does")
            case .flyway:
                lines += flywayFixes(seen.map(\.clue))
            case .atlas:
                lines.append("  " + notRead(layout) + "; until one does, run \(command(layout)) in this task instead")
            }
        }
        return lines
    }

    private static let migrationSQL = "migration.sql"

    /// What to do with each kind of Flyway file the migrator does not run, one line each.
    private static func flywayFixes(_ clues: [LayoutClue]) -> [String] {
        var seen: [LayoutClue] = []
        for clue in clues where clue.layout == .flyway && !seen.contains(clue) { seen.append(clue) }
        return seen.map { clue in
            let fix: String
            switch clue {
            case .flywayCallback:
                fix =
                    "the migrator runs no callbacks: put that SQL in a V file (it runs once) or an R__ file (it runs again whenever it changes), or move it out"
            case .flywayJavaMigration:
                fix =
                    "Java and Kotlin migrations run only inside Flyway on the JVM: rewrite it as a V<version>__NAME.sql file, or run `flyway migrate` in this task instead"
            case .flywayBaselineMigration:
                fix =
                    "the migrator applies the V files on a new database, where Flyway would start from a baseline migration; move it out (for a database Flyway baselined, see `migrator adopt flyway`)"
            case .flywayScriptConfig:
                fix =
                    "per-script configuration is not read: a statement that cannot run in a transaction (CREATE INDEX CONCURRENTLY) runs outside one anyway, and -- migrator:no-transaction on the script's first line makes the whole script do so; move it out"
            default: fix = notRead(.flyway)
            }
            return "  Flyway: " + fix
        }
    }

    private static func notRead(_ layout: ForeignLayout) -> String {
        switch layout {
        case .goose: return "goose's migrations written in Go run only inside a program built with goose"
        case .prisma: return "this file belongs with Prisma's migration folders"
        case .flyway: return "the migrator reads Flyway's V, U and R__ SQL files, and nothing else of Flyway's"
        case .atlas: return "this release does not read \(layout.rawValue)'s layout yet"
        }
    }

    /// What to do with such a file among migrations the migrator does read.
    private static func mixedFix(_ layout: ForeignLayout) -> String {
        switch layout {
        case .goose: return "rewrite it as a SQL file (VERSION_NAME.sql with -- +goose Up, -- +goose Down), or move it out"
        case .flyway: return "move it out"
        case .prisma: return "move it beside the Prisma migration folders it belongs with"
        case .atlas: return "give the files dbmate's markers (-- migrate:up), or move them out"
        }
    }

    private static func command(_ layout: ForeignLayout) -> String {
        switch layout {
        case .prisma: return "`prisma migrate deploy`"
        case .flyway: return "`flyway migrate`"
        case .goose: return "`goose up`"
        case .atlas: return "`atlas migrate apply`"
        }
    }

    private static func article(_ layout: ForeignLayout) -> String {
        layout == .atlas ? "an" : "a"
    }
}
