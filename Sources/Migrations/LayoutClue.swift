import System

/// A migration layout of another tool that the migrator recognises in a directory; of the layouts it reads
/// (Prisma, Flyway, goose), the parts it does not read.
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
    /// `B1__base.sql`: a Flyway baseline migration, which Flyway runs on an empty database instead of the
    /// versioned migrations up to its version.
    case flywayBaselineMigration
    /// `beforeMigrate.sql`, `afterEachMigrate__log.sql` and the other SQL callbacks.
    case flywayCallback
    /// `V3__backfill.java` or `.class`, `.kt`: a Flyway migration written in Java (or Kotlin).
    case flywayJavaMigration
    /// `V1__init.sql.conf`: Flyway's configuration of one script.
    case flywayScriptConfig
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
        case .flywayBaselineMigration, .flywayCallback, .flywayJavaMigration, .flywayScriptConfig: return .flyway
        case .gooseAnnotation, .gooseGoMigration: return .goose
        case .atlasSum, .atlasFile: return .atlas
        }
    }

    /// What the entry looks like, as a fact: which layout, and the mark that says so.
    public var description: String {
        switch self {
        case .prismaLockFile: return "looks like Prisma's lock file (migration_lock.toml)"
        case .prismaMigrationFolder: return "looks like a Prisma migration folder (TIMESTAMP_name/ holding migration.sql)"
        case .flywayBaselineMigration: return "is a Flyway baseline migration (B<version>__<description>.sql)"
        case .flywayCallback: return "is a Flyway callback (beforeMigrate.sql, afterMigrate.sql, …)"
        case .flywayJavaMigration: return "is a Flyway migration written in Java or Kotlin"
        case .flywayScriptConfig: return "is a Flyway script configuration file (<script>.sql.conf)"
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
        if name.hasSuffix(".sql.conf") { return isFlywayName(name.dropLast(9), prefixes: "VUR") ? .flywayScriptConfig : nil }
        for suffix in [".java", ".class", ".kt"] where name.hasSuffix(suffix) {
            return isFlywayName(name.dropLast(suffix.count), prefixes: "VUR") ? .flywayJavaMigration : nil
        }
        guard name.hasSuffix(".sql") else { return nil }
        let stem = name.dropLast(4)
        if isFlywayName(stem, prefixes: "B") { return .flywayBaselineMigration }
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

    /// `V1__name`, `V1.1__name`, `R__name`: one of `prefixes`, then a version (digits, separated by dots or
    /// underscores) unless the prefix is R, and `__`.
    private static func isFlywayName(_ stem: Substring, prefixes: String) -> Bool {
        guard let prefix = stem.first, prefixes.contains(prefix), let separator = stem.firstRange(of: "__") else { return false }
        let version = stem[stem.index(after: stem.startIndex)..<separator.lowerBound]
        if prefix == "R" { return version.isEmpty }
        guard let first = version.first, first.isASCII && first.isNumber else { return false }
        return version.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "_" }
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
