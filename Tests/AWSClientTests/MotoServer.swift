@testable import AWSClient
import Foundation
import HTTP
import TestSupport
import XCTest

/// A private moto server with signature checking on, started by the tests on a free loopback port.
///
/// moto checks SigV4 signatures against IAM users' keys once `INITIAL_NO_AUTH_ACTION_COUNT` actions
/// have run unauthenticated. We allow exactly the three that create the first user and its key
/// (CreateUser, PutUserPolicy, CreateAccessKey); every later request must be correctly signed.
final class MotoServer {
    static let bootstrapActions = 3
    static let account = "123456789012"

    let port: Int
    let process: Process
    let logPath: String
    var url: String { "http://127.0.0.1:\(port)" }
    /// The administrator created at start, allowed everything.
    private(set) var adminKey = ""
    private(set) var adminSecret = ""

    struct StartFailure: Error, CustomStringConvertible { let description: String }

    init() throws {
        port = try FreePort.next()
        logPath = NSTemporaryDirectory() + "moto-aws-tests-\(port).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)!
        process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.packageRoot + "/.venv/bin/moto_server")
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        var env = ProcessInfo.processInfo.environment
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = String(Self.bootstrapActions)
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        do {
            try waitUntilReady()
            try bootstrap()
        } catch {
            stop()
            throw error
        }
    }

    private func waitUntilReady() throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            guard process.isRunning else {
                throw StartFailure(description: "moto_server exited: \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
            }
            if let status = try? HTTPProbe.status("\(url)/moto-api/"), status == 200 { return }
            usleep(100_000)
        }
        throw StartFailure(description: "moto_server did not answer on port \(port) within 30 s")
    }

    /// Creates the admin user through our own client; these are the unauthenticated actions.
    private func bootstrap() throws {
        let client = try makeClient(key: "AKIABOOTSTRAP0000000", secret: "bootstrap-not-checked")
        _ = try client.query(.iam, "CreateUser", [("UserName", "admin")])
        _ = try client.query(
            .iam, "PutUserPolicy",
            [
                ("UserName", "admin"), ("PolicyName", "all"),
                ("PolicyDocument", Self.allowAll),
            ])
        let xml = try client.query(.iam, "CreateAccessKey", [("UserName", "admin")])
        adminKey = xml.value("AccessKeyId") ?? ""
        adminSecret = xml.value("SecretAccessKey") ?? ""
        guard adminKey.hasPrefix("AKIA"), !adminSecret.isEmpty else {
            throw StartFailure(description: "CreateAccessKey answered without a key: \(xml.text)")
        }
    }

    static let allowAll = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#

    /// A role the admin (or `principal`) may assume, allowed everything; returns its ARN.
    func createRole(_ name: String, trusting principal: String = "arn:aws:iam::\(MotoServer.account):user/admin") throws -> String {
        let client = try makeClient(key: adminKey, secret: adminSecret)
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\#(principal)"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"Federated":"token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#
        let xml = try client.query(.iam, "CreateRole", [("RoleName", name), ("AssumeRolePolicyDocument", trust)])
        _ = try client.query(.iam, "PutRolePolicy", [("RoleName", name), ("PolicyName", "all"), ("PolicyDocument", Self.allowAll)])
        return xml.value("Arn") ?? "arn:aws:iam::\(Self.account):role/\(name)"
    }

    /// Lets the next `count` actions through unauthenticated (moto-api/reset-auth). Used only for
    /// AssumeRoleWithWebIdentity, which AWS accepts unsigned but moto cannot exempt per operation.
    func allowUnauthenticated(_ count: Int) throws {
        guard try HTTPProbe.post("\(url)/moto-api/reset-auth", body: String(count)) == 200 else {
            throw StartFailure(description: "reset-auth failed")
        }
    }

    func environment(key: String, secret: String, token: String? = nil, home: String) -> [String: String] {
        var env = [
            "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": url, "HOME": home, "AWS_EC2_METADATA_DISABLED": "true",
        ]
        if let token { env["AWS_SESSION_TOKEN"] = token }
        return env
    }

    func makeClient(key: String, secret: String, token: String? = nil) throws -> AWSClient {
        let home = NSTemporaryDirectory() + "aws-tests-empty-home"
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        return try AWSClient(configuration: .resolve(environment: environment(key: key, secret: secret, token: token, home: home)))
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

enum FreePort {
    /// A port that was free a moment ago on 127.0.0.1.
    static func next() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

/// Plain HTTP for test plumbing (not the client under test).
enum HTTPProbe {
    static func status(_ url: String) throws -> Int {
        try HTTPClient(configuration: .init(connectTimeout: 2, timeout: 5)).send(HTTPRequest(url: url)).status
    }

    static func post(_ url: String, body: String) throws -> Int {
        try HTTPClient(configuration: .init(connectTimeout: 2, timeout: 5))
            .send(
                HTTPRequest(
                    method: "POST", url: url, headers: [(name: "Content-Type", value: "text/plain")],
                    body: Array(body.utf8))
            ).status
    }
}
