import FoundationEssentials
import Hashing
import System

/// A file `R__NAME.sql` of SQL that can run again (`CREATE OR REPLACE VIEW`, functions, grants): `up` runs it
/// after every versioned migration whenever its checksum differs from the one last recorded.
public struct RepeatableMigration: Equatable {
    public static let prefix = "R__"

    public var name: String
    /// The whole file; it always runs in its own transaction with its history row.
    public var section: SQLSection
    /// As a versioned migration's: SHA-256 of the file with CRLF read as LF.
    public var checksum: String

    /// "R__refresh_views": the file's name without `.sql`.
    public var label: String { Self.prefix + name }

    init(name: String, section: SQLSection) {
        self.name = name
        self.section = section
        checksum = section.checksums.normalized
    }

    /// Every `R__NAME.sql` in `directory`, in name order (byte order, as `ls` in the C locale); problems
    /// are reported together, as for versioned files.
    static func load(directory: String, resident: ResidentFiles = .all) throws -> [RepeatableMigration] {
        let all = (try? DirectoryListing.names(directory)) ?? []
        let names = all.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".sql") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        // Most directories have none: their other names are not parsed for Flyway's.
        guard !names.isEmpty else { return [] }
        // Beside Flyway's V files they are Flyway's repeatables, whose placeholders are always substituted.
        let flyway = all.contains { if case .name = FlywayFile.parse($0) { true } else { false } }
        var problems: [MigrationFileError.Problem] = []
        var out: [RepeatableMigration] = []
        for file in names {
            let path = directory.hasSuffix("/") ? directory + file : directory + "/" + file
            let name = String(file.dropFirst(prefix.count).dropLast(4))
            if file.containsOutputControls {
                problems.append(.init(file: path, reason: MigrationFileError.controlCharacterInName))
                continue
            }
            guard !name.isEmpty else {
                problems.append(.init(file: path, reason: "not a repeatable migration name: expected R__NAME.sql"))
                continue
            }
            let text: FileText
            switch MigrationSource.read(path) {
            case .success(let t): text = t
            case .failure(let reason):
                problems.append(.init(file: path, reason: reason))
                continue
            }
            if MigrationSource.isEmpty(text) {
                problems.append(.init(file: path, reason: "the repeatable migration is empty"))
            } else if MigrationSource.hasNoTransactionDirective(text) {
                problems.append(
                    .init(
                        file: path,
                        reason:
                            "a repeatable migration always runs in its own transaction; remove \(MigrationSource.noTransactionDirective)"))
            }
            var section = SQLSection(text: text, file: path, firstLine: 1, transactional: true)
            if flyway { section = FlywayFile.substitutingEverywhere(section) }
            section = section.kept(by: resident)
            out.append(RepeatableMigration(name: name, section: section))
        }
        guard problems.isEmpty else { throw MigrationFileError(problems: problems) }
        return out
    }
}

/// Where one repeatable migration stands: its file against its row in the repeatable history.
public struct RepeatableStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        /// The recorded checksum is the file's.
        case applied
        /// Never applied: the next `up` runs it.
        case pending
        /// Edited since it was applied: the next `up` runs it again.
        case changed
        /// Recorded, but its file is gone; nothing runs, and the database keeps what it created.
        case fileMissing = "file missing"
    }

    public var name: String
    public var state: State
    public var appliedAt: String?
    public var executionMs: Int?
    public var file: String?

    public var label: String { RepeatableMigration.prefix + name }

    static func compute(_ repeatables: [RepeatableMigration], records: [RepeatableHistory.Record]) -> [RepeatableStatus] {
        let byName = Dictionary(records.map { ($0.name, $0) }) { a, _ in a }
        var out = repeatables.map { r -> RepeatableStatus in
            guard let record = byName[r.name] else {
                return RepeatableStatus(name: r.name, state: .pending, file: r.section.file)
            }
            return RepeatableStatus(
                name: r.name, state: record.checksum == r.checksum ? .applied : .changed,
                appliedAt: record.appliedAt, executionMs: record.executionMs, file: r.section.file)
        }
        let files = Set(repeatables.map(\.name))
        out += records.filter { !files.contains($0.name) }.map {
            RepeatableStatus(name: $0.name, state: .fileMissing, appliedAt: $0.appliedAt, executionMs: $0.executionMs)
        }
        return out
    }
}
