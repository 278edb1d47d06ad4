import System

/// A migration layout of another tool that the migrator recognises in a directory but does not read.
public enum ForeignLayout: String, Sendable, CaseIterable {
    case prisma = "Prisma"
    case flyway = "Flyway"
    case goose
    case atlas = "Atlas"
}

/// What marks a directory entry as part of a foreign layout. A value, so that the executable says what
/// to do about it, and a release that reads the layout can take the entry as a migration instead.
public enum LayoutClue: Sendable, Equatable, CustomStringConvertible {
    /// `migration_lock.toml`, beside Prisma's migration folders.
    case prismaLockFile
    /// A folder `TIMESTAMP_name/` holding a `migration.sql`.
    case prismaMigrationFolder
    /// `V1__init.sql`, `V1.1__add.sql` (versioned), `U1__init.sql` (undo) or `B1__base.sql` (baseline).
    case flywayMigration(prefix: Character)
    /// `beforeMigrate.sql`, `afterEachMigrate__log.sql` and the other SQL callbacks.
    case flywayCallback
    /// A `-- +goose …` annotation (`-- +goose Up`), on a 1-based line, in a file without dbmate's markers.
    case gooseAnnotation(String, line: Int)
    /// `00002_rename_root.go`: a goose migration written in Go.
    case gooseGoMigration
    /// `atlas.sum`, the checksum file of an Atlas migration directory.
    case atlasSum
    /// A migration-named `.sql` file without dbmate's markers beside an `atlas.sum`.
    case atlasFile

    public var layout: ForeignLayout {
        switch self {
        case .prismaLockFile, .prismaMigrationFolder: return .prisma
        case .flywayMigration, .flywayCallback: return .flyway
        case .gooseAnnotation, .gooseGoMigration: return .goose
        case .atlasSum, .atlasFile: return .atlas
        }
    }

    /// What the entry looks like, as a fact: which layout, and the mark that says so.
    public var description: String {
        switch self {
        case .prismaLockFile: return "looks like Prisma's lock file (migration_lock.toml)"
        case .prismaMigrationFolder: return "looks like a Prisma migration folder (TIMESTAMP_name/ holding migration.sql)"
        case .flywayMigration(let prefix):
            let kind = prefix == "U" ? "undo" : prefix == "B" ? "baseline" : "versioned"
            return "looks like a Flyway \(kind) migration (named \(prefix)<version>__<description>.sql)"
        case .flywayCallback: return "looks like a Flyway callback (beforeMigrate.sql, afterMigrate.sql, …)"
        case .gooseAnnotation(let text, let line): return "looks like a goose file: `\(text)` on line \(line)"
        case .gooseGoMigration: return "looks like a goose migration written in Go (VERSION_NAME.go)"
        case .atlasSum: return "looks like Atlas's checksum file (atlas.sum)"
        case .atlasFile: return "looks like an Atlas migration file: no -- migrate:up line, and an atlas.sum beside it"
        }
    }

    /// The clue a file or folder name alone gives; nil when the name says nothing about a foreign layout.
    static func of(name: String, isFolder: Bool, holds: [String] = []) -> LayoutClue? {
        if isFolder {
            let digits = name.prefix { $0.isASCII && $0.isNumber }
            return !digits.isEmpty && name.dropFirst(digits.count).hasPrefix("_") && holds.contains("migration.sql")
                ? .prismaMigrationFolder : nil
        }
        switch name {
        case "migration_lock.toml": return .prismaLockFile
        case "atlas.sum": return .atlasSum
        default: break
        }
        if name.hasSuffix(".go"), isVersioned(name.dropLast(3)) { return .gooseGoMigration }
        guard name.hasSuffix(".sql") else { return nil }
        let stem = name.dropLast(4)
        if let prefix = stem.first, "VUB".contains(prefix), let separator = stem.firstRange(of: "__") {
            let version = stem[stem.index(after: stem.startIndex)..<separator.lowerBound]
            // Flyway's versions: digits, separated by dots or underscores (1, 1.1, 2_0_1).
            if let first = version.first, first.isASCII && first.isNumber,
                version.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "_" })
            {
                return .flywayMigration(prefix: prefix)
            }
        }
        let event = stem.split(separator: "__", maxSplits: 1, omittingEmptySubsequences: false).first ?? stem
        if flywayEvents.contains(String(event)) { return .flywayCallback }
        return nil
    }

    /// The first `-- +goose` annotation of a text (goose reads them case-insensitively), or nil.
    static func gooseAnnotation(in text: String) -> LayoutClue? {
        var text = text
        return text.withUTF8 { gooseAnnotation(lines: $0) }
    }

    /// The same, on a file's bytes as read.
    static func gooseAnnotation(in text: FileText) -> LayoutClue? {
        text.buffer.withBytes(text.range) { gooseAnnotation(lines: $0) }
    }

    private static func gooseAnnotation(lines bytes: UnsafeBufferPointer<UInt8>) -> LayoutClue? {
        var number = 0
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            number += 1
            start = end + 1
            guard CommentLine.mayBegin(line, with: UInt8(ascii: "+")) else { continue }
            let trimmed = String(decoding: line, as: UTF8.self).trimmingUnicodeWhitespace()
            guard let comment = MigrationSource.commentText(trimmed),
                String(Substring(comment)).lowercased().hasPrefix("+goose")
            else { continue }
            return .gooseAnnotation(trimmed, line: number)
        }
        return nil
    }

    /// `VERSION_NAME`: digits, an underscore, and something after it.
    private static func isVersioned(_ stem: Substring) -> Bool {
        let digits = stem.prefix { $0.isASCII && $0.isNumber }
        return !digits.isEmpty && stem.dropFirst(digits.count).hasPrefix("_") && stem.count > digits.count + 1
    }

    /// The events of Flyway's SQL callbacks, as its `Event` enum names them.
    private static let flywayEvents: Set<String> = [
        "beforeClean", "afterClean", "afterCleanError", "beforeMigrate", "beforeEachMigrate", "beforeEachMigrateStatement",
        "afterEachMigrateStatement", "afterEachMigrateStatementError", "afterEachMigrate", "afterEachMigrateError",
        "beforeRepeatables", "afterVersioned", "afterMigrateApplied", "afterMigrate", "afterMigrateError",
        "beforeUndo", "beforeEachUndo", "beforeEachUndoStatement", "afterEachUndoStatement", "afterEachUndoStatementError",
        "afterEachUndo", "afterEachUndoError", "afterUndo", "afterUndoError", "beforeValidate", "afterValidate",
        "afterValidateError", "beforeBaseline", "afterBaseline", "afterBaselineError", "beforeRepair", "afterRepair",
        "afterRepairError", "beforeInfo", "afterInfo", "afterInfoError", "afterMigrateOperationFinish",
        "afterInfoOperationFinish", "createSchema", "beforeConnect",
    ]
}
