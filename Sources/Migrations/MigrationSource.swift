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
/// never split SQL. Loading is three steps: `DirectoryScan` classifies each entry by its name,
/// `MigrationPairs` reads the files and groups each version's up and down, and `MigrationCheck` applies
/// the rules that need the whole directory.
public enum MigrationSource {
    /// The first-line directive of the `.up.sql`/`.down.sql` layout.
    public static let noTransactionDirective = "-- migrator:no-transaction"

    public static func load(directory: String) throws -> [Migration] {
        try load(directory: directory, resident: .all)
    }

    /// `resident` decides which files' bytes stay in memory after reading (the others are read again to run).
    static func load(directory: String, resident: ResidentFiles) throws -> [Migration] {
        let scan = try DirectoryScan(directory: directory)
        let pairs = MigrationPairs(scan, resident: resident)
        return try MigrationCheck(scan, pairs).migrations()
    }

    /// The highest version among the file names of the directory, read from the names alone.
    public static func newestVersion(directory: String) -> Int64? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".sql") && !$0.hasPrefix(".") }.compactMap { FileName($0)?.version.number }.max()
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
