import AWSSigV4
import Foundation
import XCTest

/// Runs every case directory of the official SigV4 test suite (aws-c-auth layout), header and query.
/// The folder comes from SIGV4_TEST_SUITE (relative paths are taken from the package root),
/// defaulting to ../shared/sigv4-test-suite/v4. The official cases that folder lacks are kept in
/// Tests/sigv4-test-suite-extra/v4 (Apache-2.0, license beside them) and always run too.
/// No case names are assumed.
final class SigV4SuiteTests: XCTestCase {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var suiteDirectory: String {
        let configured = ProcessInfo.processInfo.environment["SIGV4_TEST_SUITE"] ?? "../shared/sigv4-test-suite/v4"
        let path = configured.hasPrefix("/") ? configured : packageRoot + "/" + configured
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static var extraDirectory: String { packageRoot + "/Tests/sigv4-test-suite-extra/v4" }

    func testEveryCaseInTheSuite() throws {
        try runEveryCase(in: Self.suiteDirectory)
    }

    /// The multiline header value and the session token attached after signing, among others.
    func testTheOfficialCasesMissingFromTheSharedCopy() throws {
        try runEveryCase(in: Self.extraDirectory)
    }

    private func runEveryCase(in dir: String) throws {
        let entries = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        var cases = 0
        var failures: [String] = []
        for name in entries {
            var isDir: ObjCBool = false
            let caseDir = dir + "/" + name
            guard FileManager.default.fileExists(atPath: caseDir + "/context.json", isDirectory: &isDir) else { continue }
            cases += 1
            do {
                failures += try check(caseDir: caseDir, name: name)
            } catch {
                failures.append("\(name): could not run: \(error)")
            }
        }
        XCTAssertGreaterThan(cases, 0, "no case directories in \(dir)")
        for failure in failures {
            print("SigV4 suite mismatch: \(failure)")
            XCTFail(failure)
        }
        print("SigV4 suite: \(cases) cases, \(failures.count) mismatches, from \(dir)")
    }

    private struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }
        var credentials: Credentials
        var expiration_in_seconds: Int?
        var normalize: Bool?
        var region: String
        var service: String
        var sign_body: Bool?
        var timestamp: String
        var omit_session_token: Bool?
    }

    /// Returns one message per mismatching stage.
    private func check(caseDir: String, name: String) throws -> [String] {
        let context = try JSONDecoder().decode(Context.self, from: Data(contentsOf: URL(fileURLWithPath: caseDir + "/context.json")))
        let request = try SuiteRequest.parse(try read(caseDir + "/request.txt"))
        guard let date = ISO8601DateFormatter().date(from: context.timestamp) else {
            return ["\(name): bad timestamp \(context.timestamp)"]
        }
        let signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: context.credentials.access_key_id,
                secretAccessKey: context.credentials.secret_access_key,
                sessionToken: context.credentials.token),
            region: context.region, service: context.service,
            normalizePath: context.normalize ?? true,
            addsContentSHA256Header: context.sign_body ?? false,
            signsSessionToken: !(context.omit_session_token ?? false),
            clock: { date })

        var failures: [String] = []
        let modes: [(String, SigV4Signature)] = [
            ("header", signer.headerSignature(for: request.sigV4, at: date)),
            ("query", signer.querySignature(for: request.sigV4, expiresIn: context.expiration_in_seconds ?? 3600, at: date)),
        ]
        for (mode, result) in modes {
            let stages: [(String, String)] = [
                ("canonical-request", result.canonicalRequest),
                ("string-to-sign", result.stringToSign),
                ("signature", result.signature),
            ]
            for (stage, actual) in stages {
                let file = "\(caseDir)/\(mode)-\(stage).txt"
                guard FileManager.default.fileExists(atPath: file) else { continue }
                let expected = try read(file)
                if actual != expected {
                    failures.append("\(name) [\(mode) \(stage)]\n--- expected\n\(expected)\n--- actual\n\(actual)")
                }
            }
            let signedFile = "\(caseDir)/\(mode)-signed-request.txt"
            if FileManager.default.fileExists(atPath: signedFile) {
                let expected = try SuiteRequest.parse(try read(signedFile))
                let actual = SuiteRequest(result.signedRequest)
                if !expected.matches(actual) {
                    failures.append("\(name) [\(mode) signed-request]\n--- expected\n\(expected.text)\n--- actual\n\(actual.text)")
                }
            }
        }
        return failures
    }

    private func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }
}

/// A request in the suite's text form: request line, `Name:value` lines, blank line, body.
struct SuiteRequest {
    var method: String
    var target: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    struct Malformed: Error { let reason: String }

    static func parse(_ text: String) throws -> SuiteRequest {
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.lastIndex(of: " "),
            firstSpace < lastSpace
        else { throw Malformed(reason: "request line: \(requestLine)") }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        var headers: [(name: String, value: String)] = []
        while let line = lines.first, !line.isEmpty {
            lines.removeFirst()
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw Malformed(reason: "header: \(line)") }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        if !lines.isEmpty { lines.removeFirst() }
        return SuiteRequest(method: method, target: target, headers: headers, body: Array(lines.joined(separator: "\n").utf8))
    }

    init(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    init(_ request: SigV4Request) {
        self.init(method: request.method, target: request.target, headers: request.headers, body: request.body)
    }

    var sigV4: SigV4Request {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return SigV4Request(
            method: method, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
            headers: headers, body: body)
    }

    /// Same request line, body and header values in order; header names compare case-insensitively.
    func matches(_ other: SuiteRequest) -> Bool {
        method == other.method && target == other.target && body == other.body
            && headers.count == other.headers.count
            && zip(headers, other.headers).allSatisfy { $0.name.lowercased() == $1.name.lowercased() && $0.value == $1.value }
    }

    var text: String {
        "\(method) \(target) HTTP/1.1\n" + headers.map { "\($0.name):\($0.value)\n" }.joined() + "\n"
            + String(decoding: body, as: UTF8.self)
    }
}
