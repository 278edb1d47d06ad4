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
        // Later than every file that is named like a migration, valid or not (the last `new` may still be empty).
        var version = UTCTime(Date(timeIntervalSince1970: Double(now))).digits
        if let newest = MigrationSource.newestVersion(directory: directory), newest >= version {
            guard newest < Int64.max else { throw MigratorError.usage("no version can follow \(newest)") }
            version = newest + 1
        }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        let files: [(String, String)]
        switch layout {
        case .single:
            files = [("\(base)\(version)_\(slug).sql", "-- migrate:up\n\n\n-- migrate:down\n\n")]
        case .split:
            files = [("\(base)\(version)_\(slug).up.sql", "\n"), ("\(base)\(version)_\(slug).down.sql", "\n")]
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
}
