import System

/// How much of the migration files stays in memory once they are read. Reading every file is needed to
/// checksum and check it, but running needs only the migration at hand: files beyond `limit` bytes in all
/// are let go after reading, keeping their checksums, and read again when they run (`SQLSection.loaded()`),
/// so memory follows the largest file, not the sum of them. Nearly every project's files fit the limit
/// and are read once, as before.
final class ResidentFiles {
    /// What `Migrator` keeps: enough for thousands of schema migrations.
    static let defaultLimit = 8 << 20

    let limit: Int
    private var kept = 0
    /// The last file decided, and how: the sections of one file are kept one after the other.
    private var last: (file: String, keep: Bool)?

    init(limit: Int) {
        self.limit = limit
    }

    /// Keeps everything: what `MigrationSource.load` does for callers that ask for no limit.
    static var all: ResidentFiles { ResidentFiles(limit: .max) }

    /// Whether `file`, read into `buffer`, stays; decided once per file, whose sections share the buffer
    /// and are kept one after the other.
    func keeps(_ file: String, _ buffer: TextBuffer) -> Bool {
        if limit == .max { return true }
        if let last, last.file == file { return last.keep }
        let keep = kept + buffer.count <= limit
        if keep { kept += buffer.count }
        last = (file, keep)
        return keep
    }
}

extension SQLSection {
    /// The checksums of a section whose bytes were let go.
    struct Released: Sendable, Equatable {
        var normalized: String
        var exact: String
    }

    /// The section as `files` keeps it: itself, or its place in the file and its checksums without its bytes.
    func kept(by files: ResidentFiles) -> SQLSection {
        guard released == nil, !files.keeps(file, buffer) else { return self }
        var out = self
        let (normalized, exact) = checksums
        out.released = Released(normalized: normalized, exact: exact)
        out.buffer = TextBuffer.empty
        return out
    }

    /// Whether the SQL is in memory; a section let go after reading must be `loaded()` before it runs.
    public var isLoaded: Bool { released == nil }

    /// The section with its SQL in memory: itself, or read again from its file (with the same checks as the
    /// first time) and refused unless its bytes are the ones checksummed then, so that what runs is what
    /// was checked and recorded.
    public func loaded() throws -> SQLSection {
        guard let released else { return self }
        let problem: String
        switch MigrationSource.read(file) {
        case .failure(let reason):
            problem = reason
        case .success(let text):
            var out = self
            out.buffer = text.buffer
            out.released = nil
            if range.upperBound <= text.buffer.count && out.checksums.exact == released.exact { return out }
            problem = "changed since the migrator read it at the start of this run; nothing of it ran"
        }
        throw MigratorError.files(MigrationFileError(problems: [.init(file: file, reason: problem)]))
    }
}

extension TextBuffer {
    /// What a section let go of its bytes points at: a new one each time, because `withCString` writes
    /// into a buffer, so one shared by every section could not stay on one thread.
    static var empty: TextBuffer { TextBuffer("") }
}
