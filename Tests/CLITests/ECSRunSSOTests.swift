import Foundation
import TestSupport
import XCTest

/// `ecs-run --profile <SSO profile> --debug` as a process: role credentials from a stand-in portal
/// (scripts/fixtures/sso-portal), RunTask against the local stack, and a trace without any secret.
final class ECSRunSSOTests: XCTestCase {
    var fx: ECSRunFixture!
    var home: String!
    var portal: Process?
    private let portalInput = Pipe()

    let accessToken = "sso-access-token-" + UUID().uuidString
    /// What the portal hands out: a permission set role's credentials, made in the emulator.
    var roleKey = "", roleSecret = "", roleSessionToken = ""

    override func setUpWithError() throws {
        fx = try ECSRunFixture.shared()
        home = NSTemporaryDirectory() + "ecs-run-sso-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home + "/.aws/sso/cache", withIntermediateDirectories: true)
        let role = "AWSReservedSSO_Rollback_" + UUID().uuidString.prefix(8)
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#
        let arn = try fx.aws([
            "iam", "create-role", "--role-name", role, "--assume-role-policy-document", trust,
            "--query", "Role.Arn", "--output", "text",
        ])
        try fx.aws([
            "iam", "put-role-policy", "--role-name", role, "--policy-name", "all", "--policy-document",
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ])
        let issued = try JSONSerialization.jsonObject(
            with: Data(
                try fx.aws([
                    "sts", "assume-role", "--role-arn", arn,
                    "--role-session-name", "night-ops", "--output", "json",
                ]).utf8))
        let credentials = try XCTUnwrap((issued as? [String: Any])?["Credentials"] as? [String: Any])
        roleKey = try XCTUnwrap(credentials["AccessKeyId"] as? String)
        roleSecret = try XCTUnwrap(credentials["SecretAccessKey"] as? String)
        roleSessionToken = try XCTUnwrap(credentials["SessionToken"] as? String)
    }

    override func tearDown() {
        try? portalInput.fileHandleForWriting.close()
        portal?.waitUntilExit()
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Starts the portal; returns its URL.
    func startPortal() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Paths.packageRoot + "/scripts/fixtures/sso-portal", accessToken, roleKey, roleSecret, roleSessionToken]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = portalInput
        try process.run()
        portal = process
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ECSRunFixture.Failure(description: "sso-portal did not start")
        }
        return "http://127.0.0.1:\(port)"
    }

    func run(_ arguments: [String], portal: String) throws -> ProcessResult {
        var env = fx.awsEnvironment.filter { !["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"].contains($0.key) }
        env["HOME"] = home
        env["AWS_ENDPOINT_URL_SSO"] = portal
        return try ProcessRunner.run(Paths.executable("ecs-run"), arguments, environment: env, timeout: 60)
    }

    func testAnSSOProfileLaunchesAndTheDebugTraceShowsNoSecret() throws {
        let url = try startPortal()
        try """
        [profile night-ops]
        sso_session = corp
        sso_account_id = 123456789012
        sso_role_name = Rollback
        region = \(fx.stack.region)

        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = eu-west-1
        """.write(toFile: home + "/.aws/config", atomically: true, encoding: .utf8)
        // sha1("corp"), the name `aws sso login --sso-session corp` gives the cache file.
        let cache = home + "/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
        let expires = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        try
            #"{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "\#(accessToken)", "expiresAt": "\#(expires)"}"#
            .write(toFile: cache, atomically: true, encoding: .utf8)

        let result = try run(["--profile", "night-ops", "--debug", "--no-wait"] + fx.launchOptions, portal: url)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.stdout.contains(":task/"), result.stdout)
        XCTAssertTrue(result.stderr.contains("SSO GetRoleCredentials Rollback in 123456789012"), result.stderr)
        XCTAssertTrue(result.stderr.contains("RunTask"), result.stderr)
        for secret in [accessToken, roleSecret, roleSessionToken] {
            XCTAssertFalse(result.output.contains(secret), "a secret in the output:\n\(result.output)")
        }

        // Expired: one line, the profile and the login command, exit 125.
        try #"{"accessToken": "\#(accessToken)", "expiresAt": "2026-01-01T00:00:00Z"}"#.write(
            toFile: cache, atomically: true, encoding: .utf8)
        let expired = try run(["--profile", "night-ops", "--no-wait"] + fx.launchOptions, portal: url)
        XCTAssertEqual(expired.status, 125, expired.output)
        XCTAssertTrue(expired.stderr.contains("run `aws sso login --sso-session corp`"), expired.stderr)
        XCTAssertFalse(expired.output.contains(accessToken), expired.output)
    }
}
