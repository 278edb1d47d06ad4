import FoundationEssentials

/// The last step of `MigrationSource.load`: the rules that need the whole directory read (what an unmarked
/// file or a Prisma-like folder lacks, mixed layouts, Prisma's name order, downs without ups, downs beside a
/// single-file migration), then the migrations in version order, or every problem at once.
struct MigrationCheck {
    let scan: DirectoryScan
    let pairs: MigrationPairs
    private var problems: [MigrationFileError.Problem]
    private var ours: Int
    private var sqlInFolders: [String]

    init(_ scan: DirectoryScan, _ pairs: MigrationPairs) {
        self.scan = scan
        self.pairs = pairs
        problems = pairs.problems
        ours = pairs.ours
        sqlInFolders = scan.sqlInFolders
    }

    consuming func migrations() throws -> [Migration] {
        checkLayouts()
        let notes = checkPairs()
        if ours == 0 && (scan.repeatables == 0 || !scan.sightings.isEmpty || !pairs.sightings.isEmpty) {
            let directory = scan.directory
            // In name order, as the entries were met: the scan's and the ones found by reading.
            let sightings = (scan.sightings + pairs.sightings).sorted { $0.entry < $1.entry }
            throw NoMigrationsFound(
                directory: directory, entries: scan.names.map { Self.isFolder(directory, $0) ? $0 + "/" : $0 },
                sightings: sightings, sqlInFolders: sqlInFolders)
        }
        guard problems.isEmpty else {
            throw MigrationFileError(problems: problems.sorted { $0.file < $1.file })
        }
        return pairs.ups.keys.sorted().map { version in
            let up = pairs.ups[version]!
            let down = pairs.downs[version]
            var migration = Migration(version: version, name: up.name, up: up.section, down: down?.section)
            migration.downIsEmpty = down?.isEmpty ?? false
            migration.note = notes[version]
            migration.layout = pairs.layoutOf[version] ?? .golangMigrate
            return migration
        }
    }

    /// What depends on which tool's directory this is.
    private mutating func checkLayouts() {
        let layouts = pairs.layouts
        for path in pairs.unmarked {
            // In a goose directory, a goose file that lost its annotation; elsewhere, a dbmate file without its marker.
            problems.append(.init(file: path, reason: layouts[.goose] != nil ? GooseFile.noUpAnnotation : DbmateFile.noUpMarker))
        }
        for folder in scan.prismaLike {
            if layouts[.prisma] != nil {
                ours += 1
                problems.append(
                    .init(
                        file: folder.path,
                        reason: "a Prisma migration folder without \(PrismaFolder.sqlFile): add it, or remove the folder"))
            } else if case .sqlFolder(let example) = folder.otherwise {
                DirectoryScan.refuseSQLFolder(
                    example, path: folder.path, directory: scan.directory, problems: &problems, sqlInFolders: &sqlInFolders)
            }
        }
        if let problem = MigrationSource.mixedLayouts(layouts, directory: scan.directory) { problems.append(problem) }
        let ups = pairs.ups
        let prismaFolders = ups.keys.filter { pairs.layoutOf[$0] == .prisma }.sorted().map { MigrationSource.baseName(ups[$0]!.file) }
        problems += MigrationSource.prismaOrderProblems(prismaFolders, directory: scan.directory)
    }

    /// Downs without their ups, and downs beside a migration that holds its own; the notes of downs paired
    /// by version under another name.
    private mutating func checkPairs() -> [MigrationVersion: String] {
        let ups = pairs.ups
        for (version, down) in pairs.downs where ups[version] == nil {
            if pairs.seen[version] == nil {
                let undo = pairs.layouts[.flyway] != nil && MigrationSource.baseName(down.file).hasPrefix("U")
                problems.append(
                    .init(
                        file: down.file,
                        reason: undo
                            ? "an undo migration without its versioned migration (V\(version)__….sql)"
                            : "a down migration without its up migration"))
            }
        }
        var notes: [MigrationVersion: String] = [:]
        for (version, down) in pairs.downs {
            // Flyway pairs a U file with its V file by version alone, whatever their descriptions.
            guard let up = ups[version], up.file != down.file, pairs.layoutOf[version] != .flyway else { continue }
            if !up.file.hasSuffix(".up.sql") {
                problems.append(
                    .init(
                        file: down.file, reason: "\(up.file) is a single-file migration: put this down SQL in its -- migrate:down section"))
            } else if up.name != down.name {
                // golang-migrate pairs by version alone; the up file names the migration.
                notes[version] = "its down file \(MigrationSource.baseName(down.file)) has another name; paired by version"
            }
        }
        return notes
    }

    private static func isFolder(_ directory: String, _ name: String) -> Bool {
        var isDirectory: Bool = false
        return FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory) && isDirectory
    }
}
