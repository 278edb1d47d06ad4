import FoundationEssentials
import System

/// Creates the files of a new migration, versioned by the current UTC time (YYYYMMDDHHMMSS).
public enum MigrationTemplate {
    public enum Layout: String, Sendable, CaseIterable {
        /// One VERSION_NAME.sql with -- migrate:up and -- migrate:down sections.
        case single
        /// VERSION_NAME.up.sql and VERSION_NAME.down.sql.
        case split
    }

    /// Writes the new files and returns their paths. The version is later than every existing one,
    /// so a new migration never lands out of order.
    public static func create(name: String, directory: String, layout: Layout, now: Int = Int(Date().timeIntervalSince1970)) throws
        -> [String]
    {
        let slug = name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
            .split(separator: "_").joined(separator: "_")
        guard !slug.isEmpty, slug.allSatisfy({ $0.isASCII }) else {
            throw MigratorError.badMigrationName
        }
        var isDirectory: Bool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory else { throw MigratorError.usage("\(directory) exists and is not a directory") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw MigratorError.usage("cannot create the directory \(directory) (check the path and its permissions)")
            }
        }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        // A new migration follows the files already there: goose's, Prisma's and Flyway's directories hold
        // only their own tool's files, so a dbmate file there would stop the next run as a mixed layout.
        // Read from the names (and goose's annotations), not by loading: the last `new` may still be empty.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { !$0.hasPrefix(".") } ?? []
        let flywayVersions = names.compactMap(flywayVersion)
        let prismaFolders = names.filter { isPrismaFolder(directory: directory, $0) }
        let files: [(String, String)]
        switch existingLayout(directory: directory, names: names, flyway: !flywayVersions.isEmpty, prisma: !prismaFolders.isEmpty) {
        case .flyway:
            // Flyway's next version is the next whole number after the newest (V2.0.1 -> V3).
            let newest = flywayVersions.map { $0.parts[0] }.max() ?? 0
            guard newest < UInt64.max else { throw MigratorError.usage("no version can follow \(newest)") }
            let version = newest + 1
            files =
                [("\(base)V\(version)__\(slug).sql", "\n")]
                + (layout == .split ? [("\(base)U\(version)__\(slug).sql", "\n")] : [])
        case .goose:
            guard layout == .single else { throw MigratorError.usage("goose keeps a migration's up and down in one file") }
            let version = try nextTimestamp(directory: directory, folders: [], now: now)
            files = [("\(base)\(version)_\(slug).sql", "-- +goose Up\n\n\n-- +goose Down\n\n")]
        case .prisma:
            guard layout == .single else { throw MigratorError.usage("Prisma migrations have no down files") }
            let version = try nextTimestamp(directory: directory, folders: prismaFolders, now: now)
            let folder = "\(base)\(version)_\(slug)"
            guard !FileManager.default.fileExists(atPath: folder) else { throw MigratorError.usage("\(folder) already exists") }
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            } catch {
                throw MigratorError.usage("cannot create the directory \(folder) (check the path and its permissions)")
            }
            files = [("\(folder)/migration.sql", "\n")]
        case .golangMigrate, .dbmate, nil:
            let version = try nextTimestamp(directory: directory, folders: [], now: now)
            switch layout {
            case .single:
                files = [("\(base)\(version)_\(slug).sql", "-- migrate:up\n\n\n-- migrate:down\n\n")]
            case .split:
                files = [("\(base)\(version)_\(slug).up.sql", "\n"), ("\(base)\(version)_\(slug).down.sql", "\n")]
            }
        }
        for (path, content) in files {
            guard !FileManager.default.fileExists(atPath: path) else { throw MigratorError.usage("\(path) already exists") }
            do {
                try FileBytes.replace(path, with: Array(content.utf8), newMode: 0o644)
            } catch FileBytes.Failure.unwritable(let reason) {
                throw MigratorError.usage("cannot write \(path): \(reason)")
            }
        }
        return files.map(\.0)
    }

    /// The current UTC time as YYYYMMDDHHMMSS, or one more than the newest version when that is later:
    /// later than every file named like a migration, valid or not (the last `new` may still be empty).
    private static func nextTimestamp(directory: String, folders: [String], now: Int) throws -> Int64 {
        var version = UTCTime(Date(timeIntervalSince1970: Double(now))).digits
        let folderVersions = folders.map { Int64($0.prefix { $0.isASCII && $0.isNumber }) }
        let newest = ([MigrationSource.newestVersion(directory: directory)] + folderVersions).compactMap { $0 }.max()
        if let newest, newest >= version {
            guard newest < Int64.max else { throw MigratorError.usage("no version can follow \(newest)") }
            version = newest + 1
        }
        return version
    }

    /// Which tool's files `directory` holds, from their names and goose's annotations; nil for
    /// golang-migrate's and dbmate's (or none).
    private static func existingLayout(directory: String, names: [String], flyway: Bool, prisma: Bool) -> MigrationLayout? {
        if flyway { return .flyway }
        if prisma || names.contains("migration_lock.toml") { return .prisma }
        for name in names where name.hasSuffix(".sql") {
            guard case .success(let text) = MigrationSource.read(directory + "/" + name) else { continue }
            if LayoutClue.gooseAnnotation(in: text) != nil { return .goose }
        }
        return nil
    }

    /// The version of a Flyway file name (`V2.0.1__add.sql`, `U3__drop.sql`), or nil.
    private static func flywayVersion(_ name: String) -> MigrationVersion? {
        guard name.hasSuffix(".sql"), let prefix = name.first, prefix == "V" || prefix == "U" else { return nil }
        let parts = name.dropFirst().split(separator: "__", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        return MigrationVersion(parsing: String(parts[0]))
    }

    /// `TIMESTAMP_name/` holding a `migration.sql`: the name read by the rule loading reads it by (`LayoutClue`).
    private static func isPrismaFolder(directory: String, _ name: String) -> Bool {
        guard case .prismaMigrationFolder = LayoutClue.of(name: name, isFolder: true, holds: ["migration.sql"]) else { return false }
        return FileManager.default.fileExists(atPath: directory + "/" + name + "/migration.sql")
    }
}
