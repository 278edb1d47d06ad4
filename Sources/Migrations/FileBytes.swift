#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole small file, read with open/read/close: four system calls where FileManager makes six
/// (access, open, fstat, read, read, close), and no copy through `Data`. A status over a thousand migration
/// files spends most of its own time in the kernel here.
enum FileBytes {
    enum Failure: Error, Equatable {
        /// open(2) or read(2) failed; the errno's text, e.g. "Permission denied", "Is a directory".
        case unreadable(String)
    }

    /// Files up to this size are read into a scratch buffer and decoded from it; larger ones grow an array.
    private static let scratchSize = 64 * 1024
    /// A FIFO or device named *.sql could stream forever; nothing that large is a migration.
    private static let limit = 1 << 30

    /// The file's bytes as a String when they are valid UTF-8, else nil; throws when it cannot be read.
    static func readUTF8(_ path: String) throws -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure.unreadable(errnoText()) }
        defer { close(fd) }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratchSize) { scratch -> String? in
            let first = try fill(fd, UnsafeMutableRawBufferPointer(scratch))
            if first < scratch.count {
                return String(validating: UnsafeBufferPointer(rebasing: scratch[..<first]), as: UTF8.self)
            }
            var bytes = Array(scratch)
            while bytes.count < limit {
                let start = bytes.count
                bytes.append(contentsOf: repeatElement(0, count: start))
                let got = try bytes.withUnsafeMutableBytes { try fill(fd, UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
                bytes.removeLast(start - got)
                if got < start { break }
            }
            return String(validating: bytes, as: UTF8.self)
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

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
