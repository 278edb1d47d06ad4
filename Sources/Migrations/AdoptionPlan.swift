/// Which migrations an old tool's history says are applied, matched to today's files by version number
/// (dbmate's "0002" is file version 2).
///
/// It refuses rather than guesses: a dirty golang-migrate table, or a version that no file has (its
/// checksum and name would be made up), stops the adoption with every problem listed.
struct AdoptionPlan {
    /// The migrations to record as applied, oldest first.
    var applied: [Migration]

    init(_ legacy: LegacyHistory, migrations: [Migration]) throws {
        let files = migrations.sorted { $0.version < $1.version }
        let known = Set(files.map(\.version))
        switch legacy.tool {
        case .golangMigrate:
            // golang-migrate keeps only the latest version: everything at or below it ran, in order.
            guard let text = legacy.versions.first, let latest = Int64(text) else { applied = []; return }
            if legacy.dirty {
                let earlier = files.last { $0.version < latest }.map { String($0.version) } ?? "-1"
                let file = files.first { $0.version == latest }.map { $0.up.file } ?? "its up file"
                throw MigratorError.validation([
                    "\(legacy.name) is dirty at version \(latest): that migration failed partway, and golang-migrate "
                        + "itself refuses to go on until it is forced. Check which statements of \(file) took effect, then "
                        + "finish or undo them by hand and record the result with golang-migrate: `migrate force \(latest)` "
                        + "if it is now fully applied, `migrate force \(earlier)` if it is undone. "
                        + "Then run `migrator adopt golang-migrate` again. Nothing was recorded."
                ])
            }
            // golang-migrate records -1 (no version) only together with dirty.
            guard latest >= 0 else { applied = []; return }
            guard known.contains(latest) else {
                throw MigratorError.validation([
                    "\(legacy.name) says version \(latest) is applied, but no migration file has that version "
                        + "(golang-migrate needs it too). Restore the file, or check --dir. Nothing was recorded."
                ])
            }
            applied = files.filter { $0.version <= latest }
        case .dbmate, .goose, .prisma:
            var problems: [String] = []
            if legacy.tool == .prisma && !legacy.unfinished.isEmpty {
                let names = legacy.unfinished.joined(separator: ", ")
                throw MigratorError.validation([
                    "\(legacy.name) says \(names) started and never finished: a `prisma migrate deploy` failed partway, and "
                        + "Prisma itself refuses to go on until it is resolved. Check which statements of its migration.sql took "
                        + "effect, finish or undo them by hand, and record the result with Prisma: `prisma migrate resolve --applied "
                        + "NAME` if it is now fully applied, `prisma migrate resolve --rolled-back NAME` if it is undone. Then run "
                        + "`migrator adopt prisma` again. Nothing was recorded."
                ])
            }
            var versions = Set<Int64>()
            for text in legacy.versions {
                // dbmate keeps the file name's leading digits as text, "0" included.
                if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let version = Int64(text) {
                    versions.insert(version)
                } else {
                    problems.append("\(legacy.name) lists version '\(text)', which is not a version number (digits, 0 or more)")
                }
            }
            let missing = versions.subtracting(known).sorted()
            if !missing.isEmpty {
                problems.append(
                    "\(legacy.name) lists \(missing.count == 1 ? "version" : "versions") "
                        + missing.map(String.init).joined(separator: ", ") + " as applied, but no migration file has "
                        + (missing.count == 1 ? "it" : "them") + ". Restore the files (their checksums go into the history), "
                        + "or check --dir")
            }
            if legacy.tool == .prisma {
                problems += Self.prismaProblems(legacy, files: files.filter { versions.contains($0.version) })
            }
            guard problems.isEmpty else { throw MigratorError.validation(problems + ["nothing was recorded"]) }
            applied = files.filter { versions.contains($0.version) }
        }
    }

    /// What Prisma itself would refuse: a folder named unlike the migration its version was recorded as, or
    /// a migration.sql that is not the one applied.
    private static func prismaProblems(_ legacy: LegacyHistory, files: [Migration]) -> [String] {
        files.compactMap { m in
            guard let name = legacy.names[m.version], let checksum = legacy.checksums[m.version] else { return nil }
            if name != m.label {
                return "\(legacy.name) lists migration \(name), but the folder of version \(m.versionText) is \(m.label): "
                    + "rename the folder back, as Prisma matches migrations by folder name"
            }
            if !m.matches(checksum: checksum) {
                return "\(m.up.file) was edited after Prisma applied it: its SHA-256 is \(m.checksum), "
                    + "\(legacy.name) records \(checksum). Restore the file as it was applied (from version control), "
                    + "or put the change in a new migration folder, as Prisma itself requires"
            }
            return nil
        }
    }
}
