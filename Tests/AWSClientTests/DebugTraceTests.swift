@testable import AWSClient
import Foundation
import Synchronization
import XCTest

/// Runs real flows with real secrets and session tokens and checks every line the debug trace prints:
/// useful facts in, secrets out.
final class DebugTraceTests: MotoTestCase {
    var home: TemporaryHome!
    var servers: [LoopbackServer] = []
    private let lock = NSLock()
    private var lines: [String] = []

    override func setUpWithError() throws {
        try super.setUpWithError()
        home = try TemporaryHome()
    }

    override func tearDown() {
        servers.forEach { $0.stop() }
        home.remove()
    }

    private func record(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    struct ListClustersOutput: Decodable { var clusterArns: [String] }
    struct DescribeServicesInput: Encodable { var cluster: String; var services: [String] }

    // Long on purpose: one trace through every credential source and failure, whose every line is then
    // checked against every secret that passed through it.
    func testTraceShowsTheCallsAndNeverTheSecrets() throws {
        var secrets: [String: String] = ["admin secret": moto.adminSecret]

        // 1. A role profile through a proxy that throttles the first ECS call: AssumeRole, retries, an error.
        let role = try moto.createRole("trace-role")
        let upstream = moto.url
        let throttled = Mutex(false)
        let proxy = try LoopbackServer { request in
            let throttle = throttled.withLock { throttled in
                defer { throttled = throttled || request.header("X-Amz-Target")?.hasSuffix("ListClusters") == true }
                return !throttled && request.header("X-Amz-Target")?.hasSuffix("ListClusters") == true
            }
            if throttle {
                return .json(
                    400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
                    headers: [(name: "x-amzn-RequestId", value: "req-throttled")])
            }
            return LoopbackServer.forward(request, to: upstream)
        }
        servers.append(proxy)
        try home.write(".aws/credentials", "[base]\naws_access_key_id = \(moto.adminKey)\naws_secret_access_key = \(moto.adminSecret)\n")
        try home.write(
            ".aws/config",
            """
            [profile deployer]
            role_arn = \(role)
            source_profile = base
            region = us-east-1
            endpoint_url = \(proxy.url)
            """)
        var configuration = try AWSConfiguration.resolve(
            environment: ["HOME": home.path, "AWS_PROFILE": "deployer", "AWS_EC2_METADATA_DISABLED": "true"],
            debug: record)
        configuration.retry.sleep = { _ in }
        let client = try AWSClient(configuration: configuration)
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertThrowsError(
            try client.call(.ecs, "DescribeServices", DescribeServicesInput(cluster: "missing", services: ["a"]), as: AWSEmptyOutput.self)
        ) { error in
            record("error as printed: \(error)")
        }
        let session = try client.credentials()
        secrets["role session secret"] = session.secretAccessKey
        secrets["role session token"] = session.sessionToken
        record("credentials as printed: \(session)")

        // 2. Web identity from the environment.
        let oidc = "eyJraWQiOiJ0cmFjZSJ9.secret-oidc-claims-\(UUID().uuidString).sig"
        secrets["OIDC token"] = oidc
        try home.write("oidc", oidc)
        let webClient = try AWSClient(
            configuration: .resolve(
                environment: [
                    "HOME": home.path, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.url, "AWS_EC2_METADATA_DISABLED": "true",
                    "AWS_WEB_IDENTITY_TOKEN_FILE": home.file("oidc"), "AWS_ROLE_ARN": role,
                ], debug: record))
        try moto.allowUnauthenticated(1)
        let webSession = try webClient.credentials()
        secrets["web identity session secret"] = webSession.secretAccessKey
        secrets["web identity session token"] = webSession.sessionToken
        _ = try webClient.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)

        // 3. ECS container credentials with an authorization token.
        let admin = try moto.makeClient(key: moto.adminKey, secret: moto.adminSecret)
        let container = try STSClient.credentials(
            from: try admin.query(.sts, "AssumeRole", [("RoleArn", role), ("RoleSessionName", "container")]),
            result: "AssumeRoleResult", label: "container")
        secrets["container session secret"] = container.secretAccessKey
        secrets["container session token"] = container.sessionToken
        let authToken = "container-authorization-\(UUID().uuidString)"
        secrets["container authorization token"] = authToken
        let json =
            #"{"AccessKeyId":"\#(container.accessKeyID)","SecretAccessKey":"\#(container.secretAccessKey)","Token":"\#(container.sessionToken!)","Expiration":"\#(ISO8601DateFormatter.string(Date().addingTimeInterval(3600)))"}"#
        let agent = try LoopbackServer { $0.header("Authorization") == authToken ? .json(200, json) : .text(401, "") }
        servers.append(agent)
        let containerClient = try AWSClient(
            configuration: .resolve(
                environment: [
                    "HOME": home.path, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.url, "AWS_EC2_METADATA_DISABLED": "true",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.url + "/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": authToken,
                ], debug: record))
        _ = try containerClient.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)

        // 4. credential_process with the admin keys.
        try home.write(
            "bin/creds", #"#!/bin/sh\#nprintf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"%s"}' "$K" "$S"\#n"#, executable: true)
        try home.write(".aws/config", "[profile tool]\ncredential_process = \(home.file("bin/creds"))\nregion = us-east-1\n")
        let processClient = try AWSClient(
            configuration: .resolve(
                environment: [
                    "HOME": home.path, "AWS_ENDPOINT_URL": moto.url, "AWS_EC2_METADATA_DISABLED": "true",
                    "K": moto.adminKey, "S": moto.adminSecret,
                ], profile: "tool", debug: record))
        _ = try processClient.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)

        // 5. A wrong secret, so the error path is traced too.
        let wrong = "wrong-\(moto.adminSecret)"
        secrets["wrong secret"] = wrong
        let wrongClient = try AWSClient(
            configuration: .resolve(
                environment: [
                    "HOME": home.path, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.url, "AWS_EC2_METADATA_DISABLED": "true",
                    "AWS_ACCESS_KEY_ID": moto.adminKey, "AWS_SECRET_ACCESS_KEY": wrong,
                ], debug: record))
        XCTAssertThrowsError(try wrongClient.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) { error in
            record("error as printed: \(error)")
        }

        let captured = lock.withLock { lines }
        XCTAssertGreaterThan(captured.count, 20)
        for (name, secret) in secrets {
            XCTAssertGreaterThan(secret.count, 8, name)
            for line in captured where line.contains(secret) {
                XCTFail("the trace shows the \(name): \(line)")
            }
        }
        for forbidden in ["authorization", "x-amz-security-token", "signature=", "aws4-hmac-sha256", "credential="] {
            for line in captured where line.lowercased().contains(forbidden) {
                XCTFail("the trace shows \(forbidden): \(line)")
            }
        }

        // And it does show what a user debugging a call needs.
        let text = captured.joined(separator: "\n")
        for expected in [
            "ecs.ListClusters attempt 1/3 POST \(proxy.url)/ -> 400", "attempt 2/3 POST \(proxy.url)/ -> 200",
            "request id req-throttled", "ThrottlingException (retryable)", "retrying in",
            "sts.AssumeRole attempt 1/3", "sts.AssumeRoleWithWebIdentity attempt 1/3",
            "ecs.DescribeServices attempt 1 failed: ClusterNotFoundException",
            "ECS container credentials: GET \(agent.url)/creds -> 200",
            "credentials: using profile \"tool\" (credential_process)", "region us-east-1 from",
        ] {
            XCTAssertTrue(text.contains(expected), "trace lacks \(expected)")
        }
        XCTAssertTrue(captured.contains { $0.contains(" ms") && $0.contains("request id ") && $0.contains("-> 200") })
    }
}
