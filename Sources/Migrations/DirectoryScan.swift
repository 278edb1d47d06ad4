import System

/// The first step of `MigrationSource.load`: the directory's entries in name order, each classified by its
/// name (`DirectoryEntry`). Migration files and folders and Prisma's lock file go on to be read
/// (`MigrationPairs`); companion files are passed over; the rest are another tool's, or refused here.
struct DirectoryScan {
    /// An entry whose content is read next.
    enum Kind {
        /// `VERSION_NAME.sql`, `.up.sql` or `.down.sql`: which tool's it is shows in its content.
        case versioned(FileName)
        case flyway(FlywayFile.Name)
        case prismaMigration(holds: [String])
        case prismaLock
    }

    struct Entry {
        var name: String
        var path: String
        var kind: Kind
    }

    let directory: String
    /// Every entry's name, sorted.
    let names: [String]
    /// The entries to read, in name order.
    private(set) var entries: [Entry] = []
    private(set) var problems: [MigrationFileError.Problem] = []
    /// Entries that bear another tool's mark; more are found by reading (`MigrationPairs.sightings`).
    private(set) var sightings: [NoMigrationsFound.Sighting] = []
    private(set) var sqlInFolders: [String] = []
    /// Folders named like Prisma's without a migration.sql: what they lack depends on the directory's layout.
    private(set) var prismaLike: [(path: String, otherwise: DirectoryEntry)] = []
    /// `R__NAME.sql` files, read apart (`RepeatableMigration`): alone beside another tool's files they are
    /// no migrations of ours (Flyway's R__ files).
    private(set) var repeatables = 0
    /// Beside Atlas's `atlas.sum`, a `VERSION_NAME.sql` without dbmate's or goose's marks is Atlas's.
    let besideAtlasSum: Bool

    init(directory: String) throws {
        self.directory = directory
        names = try Self.list(directory)
        besideAtlasSum = names.contains("atlas.sum")
        entries.reserveCapacity(names.count)
        for name in names { add(name) }
    }

    private static func list(_ directory: String) throws -> [String] {
        do {
            return try DirectoryListing.names(directory).sorted()
        } catch let failure where failure.isMissing {
            throw MigrationFileError(problems: [.init(file: directory, reason: "no such directory", hint: .setDirectory)])
        } catch {
            // Also a parent the migrator may not search: "no such directory" would send people looking elsewhere.
            throw MigrationFileError(problems: [
                .init(file: directory, reason: MigrationFileError.reason("cannot list the directory", error))
            ])
        }
    }

    private mutating func add(_ name: String) {
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        if name.containsOutputControls && name.lowercased().hasSuffix(".sql") {
            problems.append(.init(file: path, reason: MigrationFileError.controlCharacterInName))
            return
        }
        let entry = DirectoryEntry.classify(name, in: directory)
        switch entry {
        case .versioned(let fileName): entries.append(Entry(name: name, path: path, kind: .versioned(fileName)))
        case .flyway(let flyway): entries.append(Entry(name: name, path: path, kind: .flyway(flyway)))
        case .repeatable: repeatables += 1
        case .companion: break
        case .prismaMigration(let holds): entries.append(Entry(name: name, path: path, kind: .prismaMigration(holds: holds)))
        case .prismaLock:
            sightings.append(.init(entry: name, clue: .prismaLockFile))
            entries.append(Entry(name: name, path: path, kind: .prismaLock))
        case .prismaLike(let otherwise): prismaLike.append((path, otherwise))
        case .foreign(let clue):
            sightings.append(.init(entry: name, clue: clue))
            problems.append(.init(file: path, clue: clue))
        case .sqlFolder(let example):
            Self.refuseSQLFolder(example, path: path, directory: directory, problems: &problems, sqlInFolders: &sqlInFolders)
        case .stray(let reason): problems.append(.init(file: path, reason: reason))
        }
    }

    /// A folder of `.sql` files, which are not read; `MigrationCheck` refuses some folders too, once the layout is known.
    static func refuseSQLFolder(
        _ example: String, path: String, directory: String, problems: inout [MigrationFileError.Problem], sqlInFolders: inout [String]
    ) {
        sqlInFolders.append(example)
        problems.append(
            .init(file: path, reason: "a folder of .sql files (\(example)), which are not read: migrations sit directly in \(directory)"))
    }
}
