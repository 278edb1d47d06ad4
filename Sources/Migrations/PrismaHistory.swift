import Postgres

/// Prisma Migrate's `_prisma_migrations`: one row per attempt at a migration, named by its folder. A
/// migration is applied when a row of it has `finished_at` and no `rolled_back_at`; a row with neither
/// is a `migrate deploy` that failed partway, which Prisma itself refuses to go past (P3009) until
/// `prisma migrate resolve` says how it ended. `checksum` is the SHA-256 of `migration.sql` as applied.
enum PrismaHistory: LegacyHistoryReader {
    static let table = "_prisma_migrations"

    static func recognises(columns: [String: String]) -> Bool {
        Set(columns.keys) == [
            "id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count",
        ]
    }

    static func read(_ db: Connection, qualified: String, into history: inout LegacyHistory) throws {
        let rows = try db.exec(
            """
            SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NOT NULL
            FROM \(qualified) ORDER BY started_at, migration_name
            """
        ).rows
        var applied: Set<String> = []
        for row in rows {
            let name = row[0] ?? ""
            let finished = row[2] == "t"
            let rolledBack = row[3] == "t"
            if rolledBack { continue }
            guard finished else {
                history.unfinished.append(name)
                continue
            }
            guard applied.insert(name).inserted else { continue }
            // The folder's leading digits are its version; a name of another shape is refused by the plan.
            let version = PrismaFolder.name(name)?.version
            history.versions.append(version.map(\.text) ?? name)
            if let version {
                history.names[version] = name
                history.checksums[version] = row[1] ?? ""
            }
        }
        // A failed attempt later applied (after `migrate resolve --rolled-back` and a new deploy) is applied.
        history.unfinished.removeAll { applied.contains($0) }
    }

    static func summary(_ legacy: LegacyHistory) -> String {
        DbmateHistory.counted("Prisma", legacy)
            + (legacy.unfinished.isEmpty ? "" : " and \(legacy.unfinished.count) that never finished")
    }

    /// The finished migrations, refused as Prisma itself would refuse them: one that never finished, a
    /// folder renamed since, or a migration.sql edited since.
    static func applied(_ legacy: LegacyHistory, files: [Migration]) throws -> [Migration] {
        if !legacy.unfinished.isEmpty {
            throw MigratorError.adoptionProblems([.unfinished(table: legacy.name, migrations: legacy.unfinished)])
        }
        var (applied, problems) = DbmateHistory.listed(legacy, files: files)
        for m in applied {
            guard let name = legacy.names[m.version], let checksum = legacy.checksums[m.version] else { continue }
            if name != m.label {
                problems.append(.renamed(table: legacy.name, recorded: name, version: m.versionText, folder: m.label))
            } else if !m.matches(checksum: checksum) {
                problems.append(.edited(table: legacy.name, file: m.up.file, checksum: m.checksum, recorded: checksum))
            }
        }
        guard problems.isEmpty else { throw MigratorError.adoptionProblems(problems) }
        return applied
    }
}
