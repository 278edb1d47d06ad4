internal import COpenSSL

/// HMAC-SHA256 over libcrypto.
public enum HMACSHA256 {
    public static func authenticate<Key: Collection, Message: Collection>(_ message: Message, key: Key) -> [UInt8]
    where Key.Element == UInt8, Message.Element == UInt8 {
        let key = Array(key)
        let message = Array(message)
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                HMAC(
                    EVP_sha256(), k.baseAddress, Int32(k.count),
                    m.bindMemory(to: UInt8.self).baseAddress, m.count, &out, &length)
            }
        }
        precondition(result != nil, "HMAC(sha256) failed")
        return Array(out.prefix(Int(length)))
    }

    public static func authenticate<Key: Collection>(_ message: String, key: Key) -> [UInt8] where Key.Element == UInt8 {
        authenticate(Array(message.utf8), key: key)
    }
}
