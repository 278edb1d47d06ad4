internal import COpenSSL

/// SHA-1, only for names AWS derives with it (the SSO token cache file); never for security.
public enum SHA1 {
    public static func hash(_ string: String) -> [UInt8] {
        let context = DigestContext(algorithm: EVP_sha1())
        Array(string.utf8).withUnsafeBytes { context.update($0) }
        return context.finish()
    }
}
