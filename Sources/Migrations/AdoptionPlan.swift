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
                let earlier = files.last { $0.version < latest }?.version ?? -1
                let file = files.first { $0.version == latest }?.up.file
                throw MigratorError.adoptionProblems([.dirty(table: legacy.name, version: latest, file: file, earlier: earlier)])
            }
            // golang-migrate records -1 (no version) only together with dirty.
            guard latest >= 0 else { applied = []; return }
            guard known.contains(latest) else {
                throw MigratorError.adoptionProblems([.unknownLatest(table: legacy.name, version: latest)])
            }
            applied = files.filter { $0.version <= latest }
        case .dbmate:
            var problems: [AdoptionProblem] = []
            var versions = Set<Int64>()
            for text in legacy.versions {
                // dbmate keeps the file name's leading digits as text, "0" included.
                if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let version = Int64(text) {
                    versions.insert(version)
                } else {
                    problems.append(.notAVersion(table: legacy.name, text: text))
                }
            }
            let missing = versions.subtracting(known).sorted()
            if !missing.isEmpty { problems.append(.noFiles(table: legacy.name, versions: missing)) }
            guard problems.isEmpty else { throw MigratorError.adoptionProblems(problems) }
            applied = files.filter { versions.contains($0.version) }
        }
    }
}
