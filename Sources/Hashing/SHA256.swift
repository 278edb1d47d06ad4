internal import COpenSSL

/// SHA-256 over libcrypto's EVP interface, one-shot or streaming.
public struct SHA256 {
    public static let digestLength = 32

    private let context: DigestContext

    public init() {
        context = DigestContext(algorithm: DigestContext.sha256)
    }

    /// Feeds more bytes into the running digest.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            context.update(UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { context.update($0) }
        }
    }

    public mutating func update(_ string: String) {
        update(string.utf8)
    }

    /// Returns the digest. The value must not be updated afterwards.
    public func finalize() -> [UInt8] {
        context.finish()
    }

    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var digest = SHA256()
        digest.update(bytes)
        return digest.finalize()
    }

    public static func hash(_ string: String) -> [UInt8] {
        hash(string.utf8)
    }
}

/// Owns one `EVP_MD_CTX`.
final class DigestContext {
    /// SHA-256 fetched once: OpenSSL 3 otherwise looks the algorithm up in its provider tables on every
    /// init, which was most of the cost of checksumming a thousand small migration files.
    ///
    /// `nonisolated(unsafe)` because a C pointer is not `Sendable`; sharing this one is safe: it is set once,
    /// by Swift's thread-safe lazy initialisation of statics, never written again, and OpenSSL 3 documents a
    /// fetched `EVP_MD` as read-only and usable from any number of threads at once.
    nonisolated(unsafe) static let sha256: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()

    private let pointer: OpaquePointer
    private var finished = false

    init(algorithm: OpaquePointer?) {
        // Allocation failure here means the process is out of memory; nothing useful can follow.
        guard let ctx = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed: out of memory") }
        pointer = ctx
        guard EVP_DigestInit_ex(pointer, algorithm, nil) == 1 else { preconditionFailure("EVP_DigestInit_ex failed") }
    }

    deinit { EVP_MD_CTX_free(pointer) }

    func update(_ buffer: UnsafeRawBufferPointer) {
        precondition(!finished, "digest updated after finalize()")
        guard buffer.count > 0 else { return }
        EVP_DigestUpdate(pointer, buffer.baseAddress, buffer.count)
    }

    func finish() -> [UInt8] {
        precondition(!finished, "digest finalized twice")
        finished = true
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(pointer, &out, &length)
        return Array(out.prefix(Int(length)))
    }
}
