import Foundation
import HTTP
import XCTest

/// Where the CA store is found on each kind of system, with the file system faked: a set of existing
/// bundle files and of directories that hold hashed certificates.
final class TrustStoreTests: XCTestCase {
    struct Case {
        let name: String
        var environment: [String: String] = [:]
        var explicit: String? = nil
        var files: Set<String> = []
        var hashedDirectories: Set<String> = []
        let bundle: String?
        var directories: String? = nil
    }

    let cases: [Case] = [
        Case(
            name: "Debian, Ubuntu, Alpine with ca-certificates", files: ["/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"],
            hashedDirectories: ["/etc/ssl/certs"], bundle: "/etc/ssl/certs/ca-certificates.crt"),
        Case(name: "RHEL 6 layout", files: ["/etc/pki/tls/certs/ca-bundle.crt"], bundle: "/etc/pki/tls/certs/ca-bundle.crt"),
        Case(
            name: "RHEL 9, Amazon Linux 2023: only the extracted bundle",
            files: ["/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"], bundle: "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"),
        Case(name: "Alpine without ca-certificates", files: ["/etc/ssl/cert.pem"], bundle: "/etc/ssl/cert.pem"),
        Case(name: "openSUSE", files: ["/etc/ssl/ca-bundle.pem"], bundle: "/etc/ssl/ca-bundle.pem"),
        Case(
            name: "SSL_CERT_FILE is the only file tried", environment: ["SSL_CERT_FILE": "/opt/ca.pem"],
            files: ["/etc/ssl/certs/ca-certificates.crt"], bundle: "/opt/ca.pem"),
        Case(
            name: "SSL_CERT_DIR adds directories to the found bundle", environment: ["SSL_CERT_DIR": "/opt/certs:/more"],
            files: ["/etc/ssl/cert.pem"], bundle: "/etc/ssl/cert.pem", directories: "/opt/certs:/more"),
        Case(name: "SSL_CERT_DIR alone", environment: ["SSL_CERT_DIR": "/opt/certs"], bundle: nil, directories: "/opt/certs"),
        Case(
            name: "AWS_CA_BUNDLE first", environment: ["SSL_CERT_FILE": "/opt/ca.pem", "SSL_CERT_DIR": "/opt/certs"],
            explicit: "/corp/ca.pem", files: ["/etc/ssl/certs/ca-certificates.crt"], bundle: "/corp/ca.pem"),
        Case(
            name: "empty variables count as unset", environment: ["SSL_CERT_FILE": "", "SSL_CERT_DIR": ""], explicit: "",
            files: ["/etc/pki/tls/certs/ca-bundle.crt"], bundle: "/etc/pki/tls/certs/ca-bundle.crt"),
        Case(name: "only a hashed directory", hashedDirectories: ["/etc/pki/tls/certs"], bundle: nil, directories: "/etc/pki/tls/certs"),
        Case(name: "nothing at all (scratch)", bundle: nil),
    ]

    func testEachLayoutFindsItsStore() {
        for c in cases {
            let store = TrustStore.locate(
                environment: c.environment, explicitBundle: c.explicit, isFile: { c.files.contains($0) },
                isHashedDirectory: { c.hashedDirectories.contains($0) })
            XCTAssertEqual(store.bundle, c.bundle, c.name)
            XCTAssertEqual(store.directories, c.directories, c.name)
            XCTAssertEqual(store.isEmpty, c.bundle == nil && c.directories == nil, c.name)
        }
    }

    func testAnEmptyStoreListsEveryPathTriedInOrder() {
        let store = TrustStore.locate(environment: [:], isFile: { _ in false }, isHashedDirectory: { _ in false })
        XCTAssertEqual(store.tried, TrustStore.bundlePaths + TrustStore.directoryPaths)
        XCTAssertEqual(store.tried.first, "/etc/ssl/certs/ca-certificates.crt")
        XCTAssertTrue(store.tried.contains("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"))
    }

    func testTheRealFileSystemChecks() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        XCTAssertFalse(TrustStore.isReadableFile(directory.path), "a directory is not a bundle")
        XCTAssertFalse(TrustStore.holdsHashedCertificates(directory.path))
        let pem = directory.appendingPathComponent("ca.pem")
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: pem)
        XCTAssertTrue(TrustStore.isReadableFile(pem.path))
        XCTAssertFalse(TrustStore.holdsHashedCertificates(directory.path), "ca.pem is not a hash link")
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("5ed36f99.0").path, withDestinationPath: pem.path)
        XCTAssertTrue(TrustStore.holdsHashedCertificates(directory.path))
        XCTAssertFalse(TrustStore.isReadableFile(directory.appendingPathComponent("missing.pem").path))
    }
}
