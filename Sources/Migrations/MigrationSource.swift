import FoundationEssentials
import System

/// Reads a migrations directory, in one of these layouts (`MigrationLayout`); the first two mix freely:
///
/// - golang-migrate's: `VERSION_NAME.up.sql` and an optional `VERSION_NAME.down.sql`, paired by version.
///   A first line `-- migrator:no-transaction` makes that file run outside a transaction, statement by statement.
/// - dbmate's: one `VERSION_NAME.sql` with a `-- migrate:up` section and an optional `-- migrate:down`
///   section; `-- migrate:up transaction:false` (or down) opts that section out of its transaction.
/// - goose's: one `VERSION_NAME.sql` with `-- +goose Up` and `-- +goose Down` sections (`GooseFile`).
/// - Prisma's: `TIMESTAMP_NAME/migration.sql` folders and a `migration_lock.toml` (`PrismaFolder`).
/// - Flyway's: `V<version>__NAME.sql` and an optional `U<version>__NAME.sql` undo file (`FlywayFile`),
///   with dotted versions (`MigrationVersion`).
///
/// Elsewhere VERSION is a non-negative integer (0 too, as golang-migrate and dbmate read it); NAME is the rest of the
/// file name, dots included (`0002_1.7.0_schema.up.sql`). An empty or comment-only down is a down that does
/// nothing (`Migration.downIsEmpty`). Every other entry is a companion file or a problem (`DirectoryEntry`),
/// and a directory without a migration is an error (`NoMigrationsFound`), never an empty plan. Every problem
/// in the directory is reported at once, before anything runs. Files are read and checksummed here; how a
/// section runs is decided only when it is about to run (`ExecutionPlan`), so commands that run nothing
/// never split SQL.
public enum MigrationSource {
    /// The first-line directive of the `.up.sql`/`.down.sql` layout.
    public static let noTransactionDirective = "-- migrator:no-transaction"

    public static func load(directory: String) throws -> [Migration] {
        try load(directory: directory, resident: .all)
    }

    /// `resident` decides which files' bytes stay in memory after reading (the others are read again to run).
    static func load(directory: String, resident: ResidentFiles) throws -> [Migration] {
        let names: [String]
        do {
            names = try DirectoryListing.names(directory).sorted()
        } catch let failure where failure.isMissing {
            throw MigrationFileError(problems: [.init(file: directory, reason: "no such directory", hint: .setDirectory)])
        } catch {
            // Also a parent the migrator may not search: "no such directory" would send people looking elsewhere.
            throw MigrationFileError(problems: [
                .init(file: directory, reason: MigrationFileError.reason("cannot list the directory", error))
            ])
        }
        var problems: [MigrationFileError.Problem] = []
        var ups: [MigrationVersion: (name: String, versionText: String, section: SQLSection, file: String)] = [:]
        var downs: [MigrationVersion: (name: String, section: SQLSection, isEmpty: Bool, file: String)] = [:]
        // Entries read as versioned migrations, valid or not, and repeatable ones: none at all is an error of
        // its own, as are repeatables alone beside another tool's files (Flyway's R__ files).
        var ours = 0
        var repeatables = 0
        var sightings: [NoMigrationsFound.Sighting] = []
        var sqlInFolders: [String] = []
        let besideAtlasSum = names.contains("atlas.sum")
        var seen: [MigrationVersion: String] = [:]
        // The first file of each layout, to name both when a directory mixes them; each version's layout.
        var layouts: [MigrationLayout: String] = [:]
        var layoutOf: [MigrationVersion: MigrationLayout] = [:]
        // Files named VERSION_NAME.sql with neither dbmate's markers nor goose's annotations, and folders named
        // like Prisma's without a migration.sql: what they lack depends on the directory's layout.
        var unmarked: [String] = []
        var prismaLike: [(path: String, otherwise: DirectoryEntry)] = []
        // Sized once: growing these dictionaries of wide tuples a thousand entries at a time moves them
        // again at every doubling.
        ups.reserveCapacity(names.count)
        downs.reserveCapacity(names.count)
        seen.reserveCapacity(names.count)

        func claim(_ version: MigrationVersion, _ file: String) -> Bool {
            if let other = seen[version] {
                problems.append(.init(file: file, reason: "version \(version.recorded) is also used by \(other)"))
                return false
            }
            seen[version] = file
            return true
        }
        func note(_ layout: MigrationLayout, _ file: String) {
            if layouts[layout] == nil { layouts[layout] = file }
        }
        func other(_ entry: DirectoryEntry, _ path: String) {
            if case .sqlFolder(let example) = entry {
                sqlInFolders.append(example)
                problems.append(
                    .init(
                        file: path,
                        reason: "a folder of .sql files (\(example)), which are not read: migrations sit directly in \(directory)"))
            }
        }

        for name in names {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if name.containsOutputControls && name.lowercased().hasSuffix(".sql") {
                problems.append(.init(file: path, reason: MigrationFileError.controlCharacterInName))
                continue
            }
            let parsed: FileName
            let entry = DirectoryEntry.classify(name, in: directory)
            switch entry {
            case .versioned(let fileName): parsed = fileName
            case .flyway(let flyway):
                ours += 1
                note(.flyway, path)
                guard let (section, empty) = readFlywayFile(flyway, path: path, problems: &problems, resident: resident) else { continue }
                switch flyway.kind {
                case .versioned:
                    guard claim(flyway.version, path) else { continue }
                    ups[flyway.version] = (flyway.description, flyway.version.text, section, path)
                    layoutOf[flyway.version] = .flyway
                case .undo:
                    if let other = downs[flyway.version] {
                        problems.append(.init(file: path, reason: "version \(flyway.version) has another undo migration, \(other.file)"))
                        continue
                    }
                    // An empty U file undoes nothing and is recorded, as an empty down is.
                    downs[flyway.version] = (flyway.description, section, empty, path)
                }
                continue
            case .repeatable:
                // R__NAME.sql files are repeatable migrations (`RepeatableMigration`), read apart.
                repeatables += 1
                continue
            case .companion: continue
            case .prismaMigration(let holds):
                ours += 1
                note(.prisma, path + "/")
                if let migration = readPrismaFolder(name, path: path, holds: holds, problems: &problems, resident: resident),
                    claim(migration.version, path)
                {
                    ups[migration.version] = (migration.name, migration.versionText, migration.section, path)
                    layoutOf[migration.version] = .prisma
                }
                continue
            case .prismaLock:
                note(.prisma, path)
                sightings.append(.init(entry: name, clue: .prismaLockFile))
                switch read(path) {
                case .failure(let reason): problems.append(.init(file: path, reason: reason))
                case .success(let text):
                    let content = text.buffer.withBytes(text.range) { String(decoding: $0, as: UTF8.self) }
                    if let problem = PrismaFolder.lockProblem(content) { problems.append(.init(file: path, reason: problem)) }
                }
                continue
            case .prismaLike(let otherwise):
                prismaLike.append((path, otherwise))
                continue
            case .foreign(let clue):
                sightings.append(.init(entry: name, clue: clue))
                problems.append(.init(file: path, clue: clue))
                continue
            case .sqlFolder:
                other(entry, path)
                continue
            case .stray(let reason):
                problems.append(.init(file: path, reason: reason))
                continue
            }
            ours += 1
            let text: FileText
            switch read(path) {
            case .success(let t): text = t
            case .failure(let reason):
                problems.append(.init(file: path, reason: reason))
                continue
            }
            switch parsed.kind {
            case .up:
                note(.golangMigrate, path)
                guard claim(parsed.version, path) else { continue }
                let section = SQLSection(
                    text: text, file: path, firstLine: 1,
                    transactional: !hasNoTransactionDirective(text))
                if isEmpty(text) { problems.append(.init(file: path, reason: "the up migration is empty")) }
                ups[parsed.version] = (parsed.name, parsed.versionText, section.kept(by: resident), path)
            case .down:
                note(.golangMigrate, path)
                let section = SQLSection(
                    text: text, file: path, firstLine: 1,
                    transactional: !hasNoTransactionDirective(text))
                if let other = downs[parsed.version] {
                    problems.append(
                        .init(file: path, reason: "version \(parsed.version.recorded) has another down migration, \(other.file)"))
                    continue
                }
                // 0 bytes or only `-- no-op`: a down that does nothing, as golang-migrate runs it.
                downs[parsed.version] = (parsed.name, section.kept(by: resident), isEmpty(text), path)
            case .combined:
                let parsedFile = DbmateFile.parse(text, file: path)
                let gooseMark = LayoutClue.gooseAnnotation(in: text)
                if case .failure(DbmateFile.noUpMarker) = parsedFile {
                    if gooseMark == nil && besideAtlasSum {
                        ours -= 1
                        sightings.append(.init(entry: name, clue: .atlasFile))
                        problems.append(.init(file: path, clue: .atlasFile))
                        continue
                    }
                    guard claim(parsed.version, path) else { continue }
                    guard gooseMark != nil else {
                        unmarked.append(path)
                        continue
                    }
                    note(.goose, path)
                    layoutOf[parsed.version] = .goose
                    if parsed.version == 0 {
                        // goose refuses it too: its table's row of version 0 is its own, and adoption skips it.
                        problems.append(
                            .init(
                                file: path, reason: "version 0: goose's versions start at 1, as goose keeps 0 for itself; renumber the file"
                            ))
                    }
                    switch GooseFile.parse(text, file: path) {
                    case .failure(let reason): problems.append(.init(file: path, reason: reason))
                    case .success(let file):
                        if isEmpty(file.up) { problems.append(.init(file: path, reason: "the -- +goose Up section is empty")) }
                        ups[parsed.version] = (parsed.name, parsed.versionText, file.up.kept(by: resident), path)
                        downs[parsed.version] = (parsed.name, file.down.kept(by: resident), file.downIsEmpty, path)
                    }
                    continue
                }
                guard claim(parsed.version, path) else { continue }
                note(.dbmate, path)
                if case .gooseAnnotation(let line, let number) = gooseMark {
                    problems.append(
                        .init(
                            file: path,
                            reason:
                                "holds both dbmate's -- migrate: lines and a goose annotation (`\(line)` on line \(number)): keep one tool's"
                        ))
                    continue
                }
                layoutOf[parsed.version] = .dbmate
                switch parsedFile {
                case .failure(let reason):
                    problems.append(.init(file: path, reason: reason))
                case .success(let file):
                    if isEmpty(file.up) { problems.append(.init(file: path, reason: "the -- migrate:up section is empty")) }
                    ups[parsed.version] = (parsed.name, parsed.versionText, file.up.kept(by: resident), path)
                    // An empty -- migrate:down section is a down that does nothing, as dbmate runs it.
                    if let down = file.down {
                        if let other = downs[parsed.version] {
                            problems.append(
                                .init(file: other.file, reason: "version \(parsed.version.recorded) has another down migration, in \(path)")
                            )
                        }
                        downs[parsed.version] = (parsed.name, down.kept(by: resident), isEmpty(down), path)
                    }
                }
            }
        }
        for path in unmarked {
            // In a goose directory, a goose file that lost its annotation; elsewhere, a dbmate file without its marker.
            problems.append(.init(file: path, reason: layouts[.goose] != nil ? GooseFile.noUpAnnotation : DbmateFile.noUpMarker))
        }
        for folder in prismaLike {
            if layouts[.prisma] != nil {
                ours += 1
                problems.append(
                    .init(
                        file: folder.path,
                        reason: "a Prisma migration folder without \(PrismaFolder.sqlFile): add it, or remove the folder"))
            } else {
                other(folder.otherwise, folder.path)
            }
        }
        if let problem = mixedLayouts(layouts, directory: directory) { problems.append(problem) }
        let prismaFolders = ups.keys.filter { layoutOf[$0] == .prisma }.sorted().map { baseName(ups[$0]!.file) }
        problems += prismaOrderProblems(prismaFolders, directory: directory)
        for (version, down) in downs where ups[version] == nil {
            if seen[version] == nil {
                let undo = layouts[.flyway] != nil && baseName(down.file).hasPrefix("U")
                problems.append(
                    .init(
                        file: down.file,
                        reason: undo
                            ? "an undo migration without its versioned migration (V\(version)__….sql)"
                            : "a down migration without its up migration"))
            }
        }
        var notes: [MigrationVersion: String] = [:]
        for (version, down) in downs {
            // Flyway pairs a U file with its V file by version alone, whatever their descriptions.
            guard let up = ups[version], up.file != down.file, layoutOf[version] != .flyway else { continue }
            if !up.file.hasSuffix(".up.sql") {
                problems.append(
                    .init(
                        file: down.file, reason: "\(up.file) is a single-file migration: put this down SQL in its -- migrate:down section"))
            } else if up.name != down.name {
                // golang-migrate pairs by version alone; the up file names the migration.
                notes[version] = "its down file \(Self.baseName(down.file)) has another name; paired by version"
            }
        }
        if ours == 0 && (repeatables == 0 || !sightings.isEmpty) {
            throw NoMigrationsFound(
                directory: directory, entries: names.map { isFolder(directory, $0) ? $0 + "/" : $0 }, sightings: sightings,
                sqlInFolders: sqlInFolders)
        }
        guard problems.isEmpty else {
            throw MigrationFileError(problems: problems.sorted { $0.file < $1.file })
        }
        return ups.keys.sorted().map { version in
            let up = ups[version]!
            let down = downs[version]
            var migration = Migration(version: version, name: up.name, up: up.section, down: down?.section)
            migration.downIsEmpty = down?.isEmpty ?? false
            migration.note = notes[version]
            migration.layout = layoutOf[version] ?? .golangMigrate
            return migration
        }
    }

    /// The highest version among the file names of the directory, read from the names alone.
    public static func newestVersion(directory: String) -> Int64? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".sql") && !$0.hasPrefix(".") }.compactMap { FileName($0)?.version.number }.max()
    }

    private static func isFolder(_ directory: String, _ name: String) -> Bool {
        var isDirectory: Bool = false
        return FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory) && isDirectory
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    enum ReadResult { case success(FileText), failure(String) }

    /// A migration file's bytes, read once, checked (UTF-8, no NUL) and with any byte order mark left out.
    /// A symbolic link is followed only to a file inside the directory that holds it.
    static func read(_ path: String) -> ReadResult {
        let buffer: TextBuffer
        do {
            buffer = try FileBytes.buffer(path, followingLinks: false)
        } catch let failure where failure.isSymbolicLink {
            switch MigrationFileLink.follow(path) {
            case .failure(let reason): return .failure(reason)
            case .success(let target):
                do {
                    buffer = try FileBytes.buffer(target)
                } catch {
                    return .failure(MigrationFileError.reason("cannot be read", error))
                }
            }
        } catch {
            return .failure(MigrationFileError.reason("cannot be read", error))
        }
        guard buffer.isValidUTF8(buffer.all) else {
            // A UTF-16 file has NUL bytes beside its ASCII ones.
            return .failure("is not valid UTF-8" + (buffer.firstNUL(in: buffer.all) != nil ? " (it is UTF-16: save it as UTF-8)" : ""))
        }
        // PostgreSQL cannot take a NUL in a query: libpq would end the SQL there and run the rest of the
        // file never, yet record the migration as applied. A UTF-16 file without a byte order mark has one
        // in every other byte.
        if let nul = buffer.firstNUL(in: buffer.all) {
            let line = buffer.withBytes(0..<nul) { $0.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } }
            return .failure("has a NUL byte on line \(line), which SQL cannot contain (a UTF-16 file? save it as UTF-8)")
        }
        // A byte order mark, as some Windows editors write, is not SQL: PostgreSQL would read it as part of
        // the first word, and it would hide a first-line directive.
        let bom = buffer.withBytes(0..<min(3, buffer.count)) { $0.elementsEqual([0xEF, 0xBB, 0xBF]) }
        return .success(FileText(buffer: buffer, range: (bom ? 3 : 0)..<buffer.count))
    }

    static func hasNoTransactionDirective(_ text: FileText) -> Bool {
        hasNoTransactionDirective(text.section(file: "", firstLine: 1, transactional: true))
    }

    static func hasNoTransactionDirective(_ section: SQLSection) -> Bool {
        // Split on the byte: with CRLF line endings "\r\n" is one Character, never equal to "\n".
        section.withBytes { bytes in
            // A directive line is short; a first line of megabytes is data, and is not copied to find out.
            let end = bytes.prefix(4096).firstIndex(of: UInt8(ascii: "\n")) ?? min(bytes.count, 4096)
            let line = UnsafeBufferPointer(rebasing: bytes[..<end])
            let firstLine = String(decoding: line, as: UTF8.self).trimmingUnicodeWhitespace()
            return commentText(firstLine)?.elementsEqual("migrator:no-transaction".utf8) ?? false
        }
    }

    /// What a trimmed `--` comment line says after its dashes and any spaces or tabs, as dbmate reads its
    /// markers (`--migrate:up`, `--<tab>migrate:up`) and the no-transaction directive is read too; nil for
    /// a line that is no such comment. On the bytes: a thousand files' marker lines must not cost a
    /// Character walk each (that cost 22 M instructions per `status`).
    static func commentText(_ line: String) -> Substring.UTF8View? {
        guard line.utf8.starts(with: "--".utf8) else { return nil }
        return Substring(line).utf8.dropFirst(2).drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// True when the SQL holds nothing but white space and comments.
    static func isEmpty(_ text: FileText) -> Bool {
        isEmpty(text.section(file: "", firstLine: 1, transactional: true))
    }

    static func isEmpty(_ section: SQLSection) -> Bool {
        !SQLSplitter.hasCode(section)
    }
}
