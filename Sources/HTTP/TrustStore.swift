#if canImport(Glibc)
import Glibc
#endif

/// The CA certificates HTTPS servers are verified with.
///
/// A static binary carries no compiled-in CA path that fits every system (Debian's OpenSSL looks in
/// /usr/lib/ssl, which Alpine and RHEL do not have), so the store is found the way Go's crypto/x509 finds
/// it on Linux: `SSL_CERT_FILE` and `SSL_CERT_DIR`, then the bundle paths the distributions use.
public struct TrustStore: Sendable, Equatable {
    /// A PEM bundle (curl's CAINFO); nil when none was found.
    public let bundle: String?
    /// Hashed certificate directories, `:`-separated (curl's CAPATH, OpenSSL's `c_rehash` layout).
    public let directories: String?
    /// What was looked for, in order, for the error when nothing was found.
    public let tried: [String]

    /// Where the distributions keep their bundle, in Go's order: Debian, Ubuntu, Alpine (ca-certificates);
    /// Fedora, RHEL 6; openSUSE; OpenELEC; RHEL 7 and later, Amazon Linux; Alpine (its own copy).
    public static let bundlePaths = [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/pki/tls/cacert.pem",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ]
    /// Directories looked in when no bundle exists, if they hold hashed certificates.
    public static let directoryPaths = ["/etc/ssl/certs", "/etc/pki/tls/certs"]

    public init(bundle: String?, directories: String? = nil, tried: [String] = []) {
        self.bundle = bundle
        self.directories = directories
        self.tried = tried
    }

    /// The known paths of this machine, without the environment's variables.
    public static let systemDefault = locate(environment: [:])

    /// Whether any certificate source was found.
    public var isEmpty: Bool { bundle == nil && directories == nil }

    /// The store for `environment` on this machine's file system. `explicitBundle` (`AWS_CA_BUNDLE`, a
    /// profile's `ca_bundle`) wins over everything; then `SSL_CERT_FILE` (only it, when set) and
    /// `SSL_CERT_DIR`; then the first of `bundlePaths` that exists, or a hashed directory of `directoryPaths`.
    public static func locate(
        environment: [String: String], explicitBundle: String? = nil,
        isFile: (String) -> Bool = TrustStore.isReadableFile, isHashedDirectory: (String) -> Bool = TrustStore.holdsHashedCertificates
    ) -> TrustStore {
        let nonEmpty: (String?) -> String? = { $0.flatMap { $0.isEmpty ? nil : $0 } }
        if let explicit = nonEmpty(explicitBundle) {
            return TrustStore(bundle: explicit, tried: [explicit])
        }
        let directories = nonEmpty(environment["SSL_CERT_DIR"])
        if let file = nonEmpty(environment["SSL_CERT_FILE"]) {
            return TrustStore(bundle: file, directories: directories, tried: ["SSL_CERT_FILE=\(file)"])
        }
        var tried = directories.map { ["SSL_CERT_DIR=\($0)"] } ?? []
        tried += bundlePaths
        if let found = bundlePaths.first(where: isFile) {
            return TrustStore(bundle: found, directories: directories, tried: tried)
        }
        if let directories { return TrustStore(bundle: nil, directories: directories, tried: tried) }
        tried += directoryPaths
        if let found = directoryPaths.first(where: isHashedDirectory) {
            return TrustStore(bundle: nil, directories: found, tried: tried)
        }
        return TrustStore(bundle: nil, directories: nil, tried: tried)
    }

    /// The error an HTTPS request gets when the store is empty: what was tried and what sets one.
    var emptyMessage: String {
        "no CA certificates to verify the server with: none of \(tried.joined(separator: ", ")) exists; "
            + "set SSL_CERT_FILE (or AWS_CA_BUNDLE) to a PEM bundle, or SSL_CERT_DIR to a directory of hashed certificates"
    }

    public static func isReadableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, R_OK) == 0
    }

    /// A directory with at least one OpenSSL hash link (`5ed36f99.0`), which is all curl's CAPATH reads.
    public static func holdsHashedCertificates(_ path: String) -> Bool {
        guard let directory = opendir(path) else { return false }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            let parts = name.split(separator: ".")
            if parts.count == 2, parts[0].count == 8, parts[0].allSatisfy(\.isHexDigit), parts[1].allSatisfy(\.isNumber) {
                return true
            }
        }
        return false
    }
}
