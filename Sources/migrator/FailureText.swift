import Migrations

/// The words for the library's errors that need more than their description: what a directory without
/// migrations looks like and the fix, and what to do about another tool's files. Which layouts this
/// release reads is decided here, so a release that reads one changes only these words.
enum FailureText {
    /// A line at a time, as `MigratorError.lines`: the output escapes each, and entries' names sit inside them.
    static func message(_ error: MigratorError) -> [String] {
        switch error {
        case .noMigrations(let found): return noMigrations(found)
        case .files(let files):
            let layouts = ForeignLayout.allCases.filter { layout in files.problems.contains { $0.clue?.layout == layout } }
            return files.lines + layouts.map { "  \($0.rawValue): " + (notRead($0) + "; " + mixedFix($0)) }
        default: return error.lines
        }
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
                    + " TIMESTAMP_NAME/migration.sql folders (Prisma), and R__NAME.sql")
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
            case .flyway, .atlas:
                lines.append("  " + notRead(layout) + "; until one does, run \(command(layout)) in this task instead")
            }
        }
        return lines
    }

    private static let migrationSQL = "migration.sql"

    private static func notRead(_ layout: ForeignLayout) -> String {
        switch layout {
        case .goose: return "goose's migrations written in Go run only inside a program built with goose"
        case .prisma: return "this file belongs with Prisma's migration folders"
        case .flyway, .atlas: return "this release does not read \(layout.rawValue)'s layout yet"
        }
    }

    /// What to do with such a file among migrations the migrator does read.
    private static func mixedFix(_ layout: ForeignLayout) -> String {
        switch layout {
        case .goose: return "rewrite it as a SQL file (VERSION_NAME.sql with -- +goose Up, -- +goose Down), or move it out"
        case .flyway: return "name it VERSION_NAME.up.sql (an undo file VERSION_NAME.down.sql), or move it out"
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
