#if canImport(Glibc)
import Glibc
#endif

/// Whole small files, read with open/read/close: four system calls where FileManager makes six
/// (access, open, fstat, read, read, close), and no copy through `Data`; and replaced atomically.
/// A status over a thousand migration files spends most of its own time in the kernel here.
public enum FileBytes {
    public enum Failure: Error, Equatable {
        /// open(2) or read(2) failed; the errno's text, e.g. "Permission denied", "Is a directory".
        case unreadable(String)
        /// The file holds more than the reader's limit, in MB.
        case tooLarge(Int)
        /// Writing, syncing or renaming the new file failed; the errno's text.
        case unwritable(String)
    }

    /// Files up to this size are read into a scratch buffer and decoded from it; larger ones grow an array.
    private static let scratchSize = 64 * 1024
    /// A FIFO or device named *.sql could stream forever; nothing that large is a migration.
    private static let migrationLimit = 1 << 30

    /// The file's bytes as a String when they are valid UTF-8, else nil; throws `.unreadable` when it
    /// cannot be read (a missing file too). Reading stops at 1 GiB.
    public static func readUTF8(_ path: String) throws -> String? {
        switch try contents(path, limit: migrationLimit, { String(validating: $0, as: UTF8.self) }) {
        case .read(let text, _): return text
        case .missing(let reason): throw Failure.unreadable(reason)
        }
    }

    /// The file's text, invalid UTF-8 repaired; nil when the file does not exist (ENOENT, ENOTDIR).
    public static func readText(_ path: String, limit: Int = 16 << 20) throws -> String? {
        switch try contents(path, limit: limit, { String(decoding: $0, as: UTF8.self) }) {
        case .read(_, truncated: true): throw Failure.tooLarge(limit >> 20)
        case .read(let text, truncated: false): return text
        case .missing: return nil
        }
    }

    private enum Contents<T> {
        case read(T, truncated: Bool)
        /// open(2) said ENOENT or ENOTDIR, with its text.
        case missing(String)
    }

    /// `decode` of the file's first `limit` bytes (or a little more), and whether there was more.
    private static func contents<T>(_ path: String, limit: Int, _ decode: (UnsafeBufferPointer<UInt8>) -> T) throws -> Contents<T> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return .missing(errnoText()) }
            throw Failure.unreadable(errnoText())
        }
        defer { close(fd) }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratchSize) { scratch -> Contents<T> in
            let first = try fill(fd, UnsafeMutableRawBufferPointer(scratch))
            if first < scratch.count {
                return .read(decode(UnsafeBufferPointer(rebasing: scratch[..<first])), truncated: false)
            }
            var bytes = Array(scratch)
            var ended = false
            while bytes.count < limit {
                let start = bytes.count
                bytes.append(contentsOf: repeatElement(0, count: start))
                let got = try bytes.withUnsafeMutableBytes { try fill(fd, UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
                bytes.removeLast(start - got)
                if got < start { ended = true; break }
            }
            if !ended {
                // At the limit with every read full: one more byte tells whether the file goes on.
                var probe: UInt8 = 0
                ended = try withUnsafeMutableBytes(of: &probe) { try fill(fd, $0) } == 0
            }
            return bytes.withUnsafeBufferPointer { .read(decode($0), truncated: !ended) }
        }
    }

    /// Reads until `buffer` is full or the file ends; the number of bytes read.
    private static func fill(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let got = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                throw Failure.unreadable(errnoText())
            }
            filled += got
        }
        return filled
    }

    /// Why `buffer(_:)` could not read a file: the errno of open(2) or read(2), or a file over the limit.
    public struct ReadFailure: Error, Equatable, CustomStringConvertible {
        /// The errno; 0 for a file over the limit.
        public var code: Int32
        public var description: String

        public var isPermissionDenied: Bool { code == EACCES || code == EPERM }
        public var isMissing: Bool { code == ENOENT || code == ENOTDIR }
        /// Opened without following links, and the last part of the path is one.
        public var isSymbolicLink: Bool { code == ELOOP }

        init(code: Int32) {
            self.code = code
            description = String(cString: strerror(code))
        }

        init(tooLarge limit: Int) {
            code = 0
            description = "larger than \(limit >> 20) MB"
        }
    }

    /// The whole file in one `TextBuffer`, read straight into it: no second copy of a large file, ever.
    /// With `followingLinks: false` a path whose last part is a symbolic link fails with `isSymbolicLink`,
    /// at no extra cost for a plain file. Reading stops with an error past 1 GiB (a FIFO named *.sql).
    public static func buffer(_ path: String, followingLinks: Bool = true) throws(ReadFailure) -> TextBuffer {
        let fd = open(path, O_RDONLY | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { throw ReadFailure(code: errno) }
        defer { close(fd) }
        func fill(_ into: UnsafeMutablePointer<UInt8>, _ capacity: Int) throws(ReadFailure) -> Int {
            var filled = 0
            while filled < capacity {
                let got = read(fd, into + filled, capacity - filled)
                if got == 0 { break }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw ReadFailure(code: errno)
                }
                filled += got
            }
            return filled
        }
        // Small files, nearly every migration, cost one read into the stack and one exact allocation.
        var result: Result<TextBuffer, ReadFailure>?
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratchSize) { scratch in
            do {
                let first = try fill(scratch.baseAddress!, scratch.count)
                guard first == scratch.count else {
                    result = .success(TextBuffer(UnsafeBufferPointer(rebasing: scratch[..<first])))
                    return
                }
                // Larger: sized from fstat, grown (realloc, which moves no pages of a large block) if the file
                // is longer than it said.
                var info = stat()
                // Two bytes past the size: one for the read that finds the end, one for the spare NUL.
                var capacity = fstat(fd, &info) == 0 && Int(info.st_size) > first ? Int(info.st_size) + 2 : 2 * scratch.count
                var base = TextBuffer.allocate(capacity)
                var count = first
                base.update(from: scratch.baseAddress!, count: first)
                while true {
                    let got: Int
                    do {
                        got = try fill(base + count, capacity - 1 - count)
                    } catch {
                        free(base)
                        throw error
                    }
                    count += got
                    if count < capacity - 1 { break }
                    guard count < migrationLimit else {
                        free(base)
                        throw ReadFailure(tooLarge: migrationLimit)
                    }
                    capacity = min(capacity * 2, migrationLimit + 1)
                    guard let grown = realloc(base, capacity) else { preconditionFailure("out of memory reading \(path)") }
                    base = grown.assumingMemoryBound(to: UInt8.self)
                }
                result = .success(TextBuffer(adopting: base, count: count))
            } catch let error as ReadFailure {
                result = .failure(error)
            } catch {
                preconditionFailure("unexpected \(error)")
            }
        }
        return try result!.get()
    }

    /// Replaces `path` atomically (a temporary file in the same directory, synced, then renamed) with
    /// the permissions the old file had, or `newMode` when there was none, so a reader never sees half
    /// a file and a private file stays private.
    public static func replace(_ path: String, with bytes: [UInt8], newMode: UInt32 = 0o600) throws {
        var mode = mode_t(newMode)
        var info = stat()
        if stat(path, &info) == 0 { mode = info.st_mode & 0o7777 }
        var template = Array((path + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure.unwritable(errnoText()) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var written = 0
        let ok =
            fchmod(fd, mode) == 0
            && bytes.withUnsafeBytes { buffer -> Bool in
                while written < buffer.count {
                    let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { return false }
                    written += n
                }
                return true
            } && fsync(fd) == 0
        let closed = close(fd) == 0
        guard ok, closed, rename(temporary, path) == 0 else {
            let failure = Failure.unwritable(errnoText())
            unlink(temporary)
            throw failure
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
