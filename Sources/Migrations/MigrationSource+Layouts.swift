import System

/// The parts of reading a directory that depend on which tool's layout it holds.
extension MigrationSource {
    /// The problem of a directory holding more than one tool's layout, naming a file of each.
    static func mixedLayouts(_ layouts: [MigrationLayout: String], directory: String) -> MigrationFileError.Problem? {
        guard Set(layouts.keys.map(\.family)).count > 1 else { return nil }
        let each = MigrationLayout.allCases.compactMap { layout in layouts[layout].map { "\(layout.rawValue) (\(baseName($0)))" } }
        return .init(
            file: directory,
            reason: "mixes migration layouts: " + each.joined(separator: ", ")
                + "; one directory holds one tool's migrations: move the others to a directory of their own")
    }

    /// A Prisma migration folder's migration, or nil after adding its problems.
    static func readPrismaFolder(
        _ name: String, path: String, holds: [String], problems: inout [MigrationFileError.Problem], resident: ResidentFiles
    ) -> (version: MigrationVersion, versionText: String, name: String, section: SQLSection)? {
        for entry in holds.sorted() {
            if let reason = PrismaFolder.strayEntry(entry) { problems.append(.init(file: path + "/" + entry, reason: reason)) }
        }
        guard let parsed = PrismaFolder.name(name) else { return nil }
        guard let version = parsed.version else {
            problems.append(
                .init(file: path, reason: "not a migration name: the version \(parsed.versionText) is larger than \(Int64.max)"))
            return nil
        }
        let file = path + "/" + PrismaFolder.sqlFile
        switch read(file) {
        case .failure(let reason):
            problems.append(.init(file: file, reason: reason))
            return nil
        case .success(let text):
            // Prisma runs the whole file as it is; the migrator runs it in its transaction with the history row.
            let section = SQLSection(text: text, file: file, firstLine: 1, transactional: true)
            if isEmpty(text) { problems.append(.init(file: file, reason: "the migration is empty")) }
            return (version, parsed.versionText, parsed.name, section.kept(by: resident))
        }
    }

    /// A Flyway file's section and whether it holds no SQL, or nil after adding its problems.
    static func readFlywayFile(
        _ name: FlywayFile.Name, path: String, problems: inout [MigrationFileError.Problem], resident: ResidentFiles
    ) -> (section: SQLSection, isEmpty: Bool)? {
        switch read(path) {
        case .failure(let reason):
            problems.append(.init(file: path, reason: reason))
            return nil
        case .success(let text):
            let section = SQLSection(text: text, file: path, firstLine: 1, transactional: !hasNoTransactionDirective(text))
            let empty = isEmpty(text)
            if name.kind == .versioned && empty { problems.append(.init(file: path, reason: "the migration is empty")) }
            return (FlywayFile.substitutingEverywhere(section).kept(by: resident), empty)
        }
    }

    /// Prisma applies its folders in name order, the migrator in version order: they must agree.
    /// `folders` are the folder names in version order.
    static func prismaOrderProblems(_ folders: [String], directory: String) -> [MigrationFileError.Problem] {
        zip(folders, folders.dropFirst()).compactMap { a, b in
            guard !Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) else { return nil }
            return .init(
                file: directory + "/" + b,
                reason: "its version is higher than \(a)'s, but its name sorts before it: Prisma applies folders in name order; "
                    + "give the versions the same number of digits (TIMESTAMP_NAME, as Prisma names them)")
        }
    }
}
