#if canImport(Glibc)
import Glibc
#endif

/// UTF-8 text held once, in one allocation, and worked on through byte ranges: a migration file of
/// 100 MB takes 100 MB here, and its sections, statements and checksums are ranges of those bytes, never
/// copies. One byte past the end is spare, so that any range can go to a C function as a NUL-terminated
/// string without a copy (`withCString`).
///
/// Immutable, except that `withCString` sets the byte after its range to NUL for the length of the call
/// and puts it back: nothing else may use the same buffer on another thread meanwhile. So it is not
/// `Sendable`, and neither is anything that holds one (`SQLSection`, `Migration`): the compiler keeps each
/// buffer on the thread that read it, which is how the migrator reads and runs its SQL.
public final class TextBuffer {
    private let base: UnsafeMutablePointer<UInt8>
    public let count: Int

    /// Takes ownership of `base`: `count + 1` bytes from malloc.
    init(adopting base: UnsafeMutablePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
        base[count] = 0
    }

    public convenience init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let base = TextBuffer.allocate(bytes.count + 1)
        _ = UnsafeMutableBufferPointer(start: base, count: bytes.count).initialize(from: bytes)
        self.init(adopting: base, count: bytes.count)
    }

    /// `count` bytes written by `initialize`, which must set every one of them.
    public convenience init(count: Int, initializingWith initialize: (UnsafeMutableBufferPointer<UInt8>) throws -> Void) rethrows {
        let base = TextBuffer.allocate(count + 1)
        do {
            try initialize(UnsafeMutableBufferPointer(start: base, count: count))
        } catch {
            free(base)
            throw error
        }
        self.init(adopting: base, count: count)
    }

    public convenience init(_ text: String) {
        self.init(text.utf8)
    }

    deinit { free(base) }

    static func allocate(_ bytes: Int) -> UnsafeMutablePointer<UInt8> {
        // Out of memory here leaves nothing useful to do.
        guard let raw = malloc(max(bytes, 1)) else { preconditionFailure("out of memory allocating \(bytes) bytes") }
        return raw.assumingMemoryBound(to: UInt8.self)
    }

    public var all: Range<Int> { 0..<count }

    public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range \(range) outside a text of \(count) bytes")
        return try body(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    /// A copy of the bytes in `range` as a String (invalid UTF-8 repaired, which a validated text never has).
    public func string(_ range: Range<Int>) -> String {
        withBytes(range) { String(decoding: $0, as: UTF8.self) }
    }

    /// `body` with the bytes of `range` as a NUL-terminated C string, without copying them: the byte after
    /// the range is NUL for the length of the call.
    public func withCString<R>(_ range: Range<Int>, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range \(range) outside a text of \(count) bytes")
        let end = base + range.upperBound
        let saved = end.pointee
        end.pointee = 0
        defer { end.pointee = saved }
        return try body(UnsafeRawPointer(base + range.lowerBound).assumingMemoryBound(to: CChar.self))
    }

    /// The index of the first NUL byte in `range`, if any.
    public func firstNUL(in range: Range<Int>) -> Int? {
        withBytes(range) { bytes in
            guard let start = bytes.baseAddress, let found = memchr(start, 0, bytes.count) else { return nil }
            return range.lowerBound + (UnsafeRawPointer(found) - UnsafeRawPointer(start))
        }
    }
}

extension TextBuffer {
    /// Whether the bytes in `range` are well-formed UTF-8 (no overlong forms, surrogates or values past
    /// U+10FFFF), checked in place: `String(validating:)` would copy the whole file to tell.
    public func isValidUTF8(_ range: Range<Int>) -> Bool {
        withBytes(range) { UTF8Validation.isValid($0) }
    }
}

enum UTF8Validation {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = bytes.baseAddress else { return true }
        let n = bytes.count
        var i = 0
        while i < n {
            // ASCII eight bytes at a time: most SQL is ASCII.
            while i + 8 <= n {
                let word = UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            guard i < n else { return true }
            let lead = start[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            // Table 3-7 of the Unicode Standard: the well-formed sequences.
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard i + length <= n, (low...high).contains(start[i + 1]) else { return false }
            for k in 2..<max(length, 2) where start[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }
}
