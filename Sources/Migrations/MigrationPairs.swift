/// The second step of `MigrationSource.load`: each scanned entry read and checksummed, its sections found
/// by its tool's rules, and its up and down (or undo) grouped under its version. A version claimed by two
/// files, a second down and a file that cannot be read or parsed are problems here; the rules that need
/// the whole directory come next (`MigrationCheck`).
struct MigrationPairs {
    struct Up {
        var name: String
        var versionText: String
        var section: SQLSection
        var file: String
    }

    struct Down {
        var name: String
        var section: SQLSection
        var isEmpty: Bool
        var file: String
    }

    /// Decides which files' bytes stay in memory; asked in name order, as the files are read.
    let resident: ResidentFiles
    private(set) var ups: [MigrationVersion: Up] = [:]
    private(set) var downs: [MigrationVersion: Down] = [:]
    /// The file that claimed each version first.
    private(set) var seen: [MigrationVersion: String] = [:]
    /// The first file of each layout, to name both when a directory mixes them.
    private(set) var layouts: [MigrationLayout: String] = [:]
    private(set) var layoutOf: [MigrationVersion: MigrationLayout] = [:]
    /// Files named VERSION_NAME.sql with neither dbmate's markers nor goose's annotations: what they lack
    /// depends on the directory's layout.
    private(set) var unmarked: [String] = []
    /// The scan's problems, then the ones found by reading.
    var problems: [MigrationFileError.Problem]
    /// Files found by reading to be another tool's.
    private(set) var sightings: [NoMigrationsFound.Sighting] = []
    /// Entries read as versioned migrations, valid or not: none at all is an error of its own.
    var ours = 0

    init(_ scan: DirectoryScan, resident: ResidentFiles) {
        self.resident = resident
        problems = scan.problems
        // Sized once: growing these dictionaries of wide values a thousand entries at a time moves them
        // again at every doubling.
        ups.reserveCapacity(scan.names.count)
        downs.reserveCapacity(scan.names.count)
        seen.reserveCapacity(scan.names.count)
        for entry in scan.entries { read(entry, besideAtlasSum: scan.besideAtlasSum) }
    }

    private mutating func read(_ entry: DirectoryScan.Entry, besideAtlasSum: Bool) {
        let path = entry.path
        switch entry.kind {
        case .flyway(let flyway): readFlyway(flyway, path: path)
        case .prismaMigration(let holds): readPrismaMigration(entry.name, path: path, holds: holds)
        case .prismaLock: readPrismaLock(path)
        case .versioned(let parsed):
            ours += 1
            let text: FileText
            switch MigrationSource.read(path) {
            case .success(let t): text = t
            case .failure(let reason):
                problems.append(.init(file: path, reason: reason))
                return
            }
            switch parsed.kind {
            case .up: readUp(parsed, text: text, path: path)
            case .down: readDown(parsed, text: text, path: path)
            case .combined: readSingleFile(parsed, text: text, entry: entry.name, path: path, besideAtlasSum: besideAtlasSum)
            }
        }
    }

    /// Whether `version` is `file`'s: false after adding the problem when another file has it.
    mutating func claim(_ version: MigrationVersion, _ file: String) -> Bool {
        if let other = seen[version] {
            problems.append(.init(file: file, reason: "version \(version.recorded) is also used by \(other)"))
            return false
        }
        seen[version] = file
        return true
    }

    mutating func note(_ layout: MigrationLayout, _ file: String) {
        if layouts[layout] == nil { layouts[layout] = file }
    }

    mutating func add(up: Up, _ version: MigrationVersion) {
        ups[version] = up
    }

    /// Which tool's `version` is; golang-migrate's when never marked.
    mutating func mark(_ version: MigrationVersion, as layout: MigrationLayout) {
        layoutOf[version] = layout
    }

    mutating func add(down: Down, _ version: MigrationVersion) {
        downs[version] = down
    }

    mutating func noteUnmarked(_ path: String) {
        unmarked.append(path)
    }

    mutating func noteForeign(_ entry: String, _ path: String, clue: LayoutClue) {
        ours -= 1
        sightings.append(.init(entry: entry, clue: clue))
        problems.append(.init(file: path, clue: clue))
    }

    private mutating func readFlyway(_ flyway: FlywayFile.Name, path: String) {
        ours += 1
        note(.flyway, path)
        guard let (section, empty) = MigrationSource.readFlywayFile(flyway, path: path, problems: &problems, resident: resident)
        else { return }
        switch flyway.kind {
        case .versioned:
            guard claim(flyway.version, path) else { return }
            add(up: Up(name: flyway.description, versionText: flyway.version.text, section: section, file: path), flyway.version)
            mark(flyway.version, as: .flyway)
        case .undo:
            if let other = downs[flyway.version] {
                problems.append(.init(file: path, reason: "version \(flyway.version) has another undo migration, \(other.file)"))
                return
            }
            // An empty U file undoes nothing and is recorded, as an empty down is.
            add(down: Down(name: flyway.description, section: section, isEmpty: empty, file: path), flyway.version)
        }
    }

    private mutating func readPrismaMigration(_ name: String, path: String, holds: [String]) {
        ours += 1
        note(.prisma, path + "/")
        if let migration = MigrationSource.readPrismaFolder(name, path: path, holds: holds, problems: &problems, resident: resident),
            claim(migration.version, path)
        {
            add(
                up: Up(name: migration.name, versionText: migration.versionText, section: migration.section, file: path),
                migration.version)
            mark(migration.version, as: .prisma)
        }
    }

    private mutating func readPrismaLock(_ path: String) {
        note(.prisma, path)
        switch MigrationSource.read(path) {
        case .failure(let reason): problems.append(.init(file: path, reason: reason))
        case .success(let text):
            let content = text.buffer.withBytes(text.range) { String(decoding: $0, as: UTF8.self) }
            if let problem = PrismaFolder.lockProblem(content) { problems.append(.init(file: path, reason: problem)) }
        }
    }

    /// golang-migrate's `.up.sql`.
    private mutating func readUp(_ parsed: FileName, text: FileText, path: String) {
        note(.golangMigrate, path)
        guard claim(parsed.version, path) else { return }
        let section = SQLSection(
            text: text, file: path, firstLine: 1,
            transactional: !MigrationSource.hasNoTransactionDirective(text))
        if MigrationSource.isEmpty(text) { problems.append(.init(file: path, reason: "the up migration is empty")) }
        add(
            up: Up(name: parsed.name, versionText: parsed.versionText, section: section.kept(by: resident), file: path),
            parsed.version)
    }

    /// golang-migrate's `.down.sql`.
    private mutating func readDown(_ parsed: FileName, text: FileText, path: String) {
        note(.golangMigrate, path)
        let section = SQLSection(
            text: text, file: path, firstLine: 1,
            transactional: !MigrationSource.hasNoTransactionDirective(text))
        if let other = downs[parsed.version] {
            problems.append(
                .init(file: path, reason: "version \(parsed.version.recorded) has another down migration, \(other.file)"))
            return
        }
        // 0 bytes or only `-- no-op`: a down that does nothing, as golang-migrate runs it.
        add(
            down: Down(name: parsed.name, section: section.kept(by: resident), isEmpty: MigrationSource.isEmpty(text), file: path),
            parsed.version)
    }
}
