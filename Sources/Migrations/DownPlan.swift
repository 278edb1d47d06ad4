/// What `down` would roll back, newest first, from the files and the history alone; or why it refuses
/// before touching anything: a migration left running, a target that names no migration, or a needed
/// down section that is missing. Computed without a database, so it is tested on its own.
struct DownPlan {
    /// The migrations to roll back, newest first, each with its file.
    var migrations: [Migration]

    init(_ target: Migrator.DownTarget, migrations all: [Migration], records: [HistoryRecord]) throws {
        if let running = records.first(where: { $0.state == .running }) { throw Migrator.leftRunning(running, all: all) }
        let applied = records.filter { $0.state == .applied }.sorted { $0.version > $1.version }
        let chosen: [HistoryRecord]
        switch target {
        case .steps(let n): chosen = Array(applied.prefix(max(n, 0)))
        case .to(let version):
            // Without a version-0 migration, 0 means "everything" (below every version); any other target must be a
            // real version, so a typo cannot roll back everything.
            if version != 0 {
                try Migrator.requireKnown(version, among: all.map(\.version) + records.map(\.version), option: .target)
            }
            chosen = applied.filter { $0.version > version }
        case .all: chosen = applied
        }
        let byVersion = Dictionary(uniqueKeysWithValues: all.map { ($0.version, $0) })
        let missing = chosen.filter { byVersion[$0.version]?.down == nil }
        if let prisma = missing.lazy.compactMap({ byVersion[$0.version] }).first(where: { $0.layout == .prisma }) {
            throw MigratorError.layoutHasNoDowns(label: prisma.label, layout: .prisma)
        }
        guard missing.isEmpty else {
            throw MigratorError.noDownMigration(
                missing.map { r in
                    byVersion[r.version].map(\.label) ?? Migration.label(r.version.text, r.name, all.first?.layout)
                        + " (its file is missing)"
                })
        }
        migrations = chosen.map { byVersion[$0.version]! }
    }
}
