#if canImport(Glibc)
import Glibc
#endif

/// A file that could not be read or written. Callers wrap it in their own error type.
public struct FileError: Error, CustomStringConvertible {
    /// The whole message, naming the file.
    public var description: String
    /// Why, as the system says it (strerror), or what was wrong.
    public var reason: String
}

/// Reading and replacing small files (configuration, tokens), with errno turned into text.
public enum Files {
    /// The file's text (invalid UTF-8 repaired), nil when it does not exist.
    public static func readText(_ path: String, limit: Int = 16 << 20) throws -> String? {
        guard let file = fopen(path, "r") else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            let reason = String(cString: strerror(errno))
            throw FileError(description: "cannot read \(path): \(reason)", reason: reason)
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count { break }
            if bytes.count > limit {
                throw FileError(description: "\(path) is larger than \(limit >> 20) MB", reason: "larger than \(limit >> 20) MB")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
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
        guard fd >= 0 else { throw writeError(path) }
        let temporary = String(cString: template)
        var written = 0
        let ok = fchmod(fd, mode) == 0 && bytes.withUnsafeBytes { buffer -> Bool in
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
            let error = writeError(path)
            unlink(temporary)
            throw error
        }
    }

    private static func writeError(_ path: String) -> FileError {
        let reason = String(cString: strerror(errno))
        return FileError(description: "cannot write \(path): \(reason)", reason: reason)
    }
}
