import Migrations

/// The words of `adopt`'s refusals and of the problems found in another tool's history: each names the
/// tool's own command that resolves it, since that tool is the one that must record the fix.
extension FailureText {
    static func adoption(_ refusal: AdoptionRefusal) -> String {
        switch refusal {
        case .noTable(let table): return "there is no table \(table) to adopt (name another with --migrations-table); nothing was changed"
        case .otherTool(let table, let found, let asked):
            return
                "\(table) was written by \(found.rawValue), not \(asked.rawValue): run `migrator adopt \(found.rawValue)`; nothing was changed"
        case .notAHistoryTable(let table, let columns):
            return
                "\(table) (\(columns)) is not a history table of golang-migrate (version bigint, dirty boolean) or dbmate (version varchar), "
                + "nor goose's goose_db_version, Prisma's _prisma_migrations or Flyway's flyway_schema_history; nothing was changed"
        case .historyExists(let history, let records, let legacy):
            return "\(history) already exists (\(records) records): this database already has migrator history, so adopting "
                + "\(legacy) would overwrite what it knows. If that table is empty and unused, drop it and adopt again; nothing was changed"
        }
    }

    static func adoption(_ problem: AdoptionProblem) -> String {
        switch problem {
        case .dirty(let table, let version, let file, let earlier):
            return "\(table) is dirty at version \(version): that migration failed partway, and golang-migrate "
                + "itself refuses to go on until it is forced. Check which statements of \(file ?? "its up file") took effect, then "
                + "finish or undo them by hand and record the result with golang-migrate: `migrate force \(version)` "
                + "if it is now fully applied, `migrate force \(earlier)` if it is undone. "
                + "Then run `migrator adopt golang-migrate` again. Nothing was recorded."
        case .unknownLatest(let table, let version):
            return "\(table) says version \(version) is applied, but no migration file has that version "
                + "(golang-migrate needs it too). Restore the file, or check --dir. Nothing was recorded."
        case .notAVersion(let table, let text):
            return "\(table) lists version '\(text)', which is not a version number (digits, 0 or more)"
        case .noFiles(let table, let versions):
            return "\(table) lists \(versions.count == 1 ? "version" : "versions") " + versions.map(\.description).joined(separator: ", ")
                + " as applied, but no migration file has " + (versions.count == 1 ? "it" : "them")
                + ". Restore the files (their checksums go into the history), or check --dir"
        case .unfinished(let table, let names):
            return "\(table) says \(names.joined(separator: ", ")) started and never finished: "
                + "a `prisma migrate deploy` failed partway, and "
                + "Prisma itself refuses to go on until it is resolved. Check which statements of its migration.sql took "
                + "effect, finish or undo them by hand, and record the result with Prisma: `prisma migrate resolve --applied "
                + "NAME` if it is now fully applied, `prisma migrate resolve --rolled-back NAME` if it is undone. Then run "
                + "`migrator adopt prisma` again. Nothing was recorded."
        case .renamed(let table, let recorded, let version, let folder):
            return "\(table) lists migration \(recorded), but the folder of version \(version) is \(folder): "
                + "rename the folder back, as Prisma matches migrations by folder name"
        case .edited(let table, let file, let checksum, let recorded):
            return "\(file) was edited after Prisma applied it: its SHA-256 is \(checksum), "
                + "\(table) records \(recorded). Restore the file as it was applied (from version control), "
                + "or put the change in a new migration folder, as Prisma itself requires"
        case .failed(let table, let scripts):
            return "\(table) records \(scripts.joined(separator: ", ")) as failed (success = false), and Flyway itself "
                + "refuses to migrate until that is repaired. Check which statements of it took effect and undo them by hand, "
                + "then run `flyway repair` (it removes the failed row) and `migrator adopt flyway` again: the migration is "
                + "then pending, and `migrator up` runs it. Nothing was recorded."
        case .editedSinceFlyway(let table, let file, let checksum, let recorded):
            return "\(file) was edited after Flyway applied it: its Flyway checksum is \(checksum), \(table) records \(recorded). "
                + "Restore the file as it was applied (from version control), or, if the edit is meant, run `flyway repair` "
                + "(it records today's checksums) and adopt again"
        }
    }
}
