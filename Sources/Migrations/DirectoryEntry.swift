import FoundationEssentials

/// What one entry of a migrations directory is. Nothing is passed over in silence: an entry is a migration
/// file, a companion file the README lists, part of a layout the migrator recognises but does not read,
/// or a problem.
indirect enum DirectoryEntry {
    /// Named like a versioned migration (`VERSION_NAME.sql`, `.up.sql`, `.down.sql`): read by `MigrationSource`.
    case versioned(FileName)
    /// Flyway's `V<version>__<description>.sql` or `U<version>__<description>.sql`: read by `MigrationSource`.
    case flyway(FlywayFile.Name)
    /// `R__NAME.sql`: read by `RepeatableMigration`.
    case repeatable
    /// Allowed beside the migrations and never read: hidden entries (`.gitkeep`, `.squawk.toml`), `README*`,
    /// `*.md`, Go sources that embed the files (`embed.go`), and folders without `.sql` files in them.
    case companion
    /// A Prisma migration folder, `TIMESTAMP_NAME/` holding `migration.sql`, and what it holds.
    case prismaMigration(holds: [String])
    /// Prisma's `migration_lock.toml`.
    case prismaLock
    /// A folder named like a Prisma migration's that holds no `migration.sql`: a problem beside Prisma's
    /// migrations, and otherwise what `otherwise` says.
    case prismaLike(otherwise: DirectoryEntry)
    /// Part of another tool's layout.
    case foreign(LayoutClue)
    /// A folder with `.sql` files directly in it, which are not read; one of them, for the message.
    case sqlFolder(example: String)
    /// Anything else: why it cannot stay.
    case stray(String)

    /// Classifies `name` in `directory` by its name, and a folder by the names directly inside it.
    static func classify(_ name: String, in directory: String) -> DirectoryEntry {
        // On the bytes first: a thousand migration names must not cost a lower-cased copy each.
        let bytes = name.utf8
        let isSQL = bytes.count > 4 && bytes.suffix(4).elementsEqual(".sql".utf8)
        let hidden = bytes.first == UInt8(ascii: ".")
        if isSQL || name.lowercased().hasSuffix(".sql") {
            // A dotted name is how a migration gets switched off by hand; it would never run, unnoticed.
            if hidden { return .stray("a hidden .sql file never runs: remove the leading dot, or move it out of the directory") }
            // Passed over in silence, a file named *.SQL would simply never run.
            guard isSQL else { return .stray("ends in \(name.suffix(4)), not .sql: rename it, or it never runs") }
            if let parsed = FileName(name) { return .versioned(parsed) }
            switch FlywayFile.parse(name) {
            case .name(let parsed): return .flyway(parsed)
            case .problem(let reason): return .stray(reason)
            case nil: break
            }
            if name.hasPrefix(RepeatableMigration.prefix) { return .repeatable }
            if let clue = LayoutClue.of(name: name, isFolder: false) { return .foreign(clue) }
            return .stray(FileName.problem(name))
        }
        if hidden { return .companion }
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        var isFolder: Bool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder {
            guard let inside = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                return .stray("a folder that cannot be listed; the migrations must sit directly in \(directory)")
            }
            if LayoutClue.of(name: name, isFolder: true, holds: inside) == .prismaMigrationFolder { return .prismaMigration(holds: inside) }
            let sql = inside.filter { $0.lowercased().hasSuffix(".sql") && !$0.hasPrefix(".") }
            let plain: DirectoryEntry =
                sql.min(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }).map { .sqlFolder(example: name + "/" + $0) }
                ?? .companion
            return PrismaFolder.name(name) != nil ? .prismaLike(otherwise: plain) : plain
        }
        if name == PrismaFolder.lockFile { return .prismaLock }
        if let clue = LayoutClue.of(name: name, isFolder: false) { return .foreign(clue) }
        let lower = name.lowercased()
        if lower == "readme" || lower.hasPrefix("readme.") || lower.hasSuffix(".md") || lower.hasSuffix(".go") { return .companion }
        return .stray(
            "not a migration file: the directory may hold only migrations (VERSION_NAME.sql, VERSION_NAME.up.sql, "
                + "VERSION_NAME.down.sql, V<version>__NAME.sql, U<version>__NAME.sql, R__NAME.sql) and README, *.md, *.go and hidden files; move it out"
        )
    }
}
