@testable import AWSClient
import Foundation
import XCTest

/// ECS container credentials and EC2 IMDSv2 from small loopback servers that hand out real session
/// credentials from moto's STS; the client then calls ECS on moto with them (signature checks on).
final class MetadataCredentialTests: MotoTestCase {
    var home: TemporaryHome!
    var servers: [LoopbackServer] = []

    override func setUpWithError() throws {
        try super.setUpWithError()
        home = try TemporaryHome()
    }

    override func tearDown() {
        servers.forEach { $0.stop() }
        home.remove()
    }

    struct Session {
        var key: String
        var secret: String
        var token: String
    }

    /// A fresh role session from moto's STS, so the handed-out credentials really work.
    private func session(_ name: String) throws -> Session {
        let role = try moto.createRole("metadata-\(name)")
        let admin = try moto.makeClient(key: moto.adminKey, secret: moto.adminSecret)
        let c = try STSClient.credentials(
            from: try admin.query(.sts, "AssumeRole", [("RoleArn", role), ("RoleSessionName", name)]),
            result: "AssumeRoleResult", label: name)
        return Session(key: c.accessKeyID, secret: c.secretAccessKey, token: c.sessionToken!)
    }

    private func credentialJSON(_ s: Session, expiresIn: Double = 3600, imds: Bool = false) -> String {
        let expiration = ISO8601DateFormatter.string(Date().addingTimeInterval(expiresIn))
        return
            #"{\#(imds ? #""Code":"Success","Type":"AWS-HMAC","#: "")"AccessKeyId":"\#(s.key)","SecretAccessKey":"\#(s.secret)","Token":"\#(s.token)","Expiration":"\#(expiration)"}"#
    }

    private func env(_ extra: [String: String]) -> [String: String] {
        var env = ["HOME": home.path, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.url, "AWS_EC2_METADATA_DISABLED": "true"]
        env.merge(extra) { _, new in new }
        return env
    }

    private func serve(_ handler: @escaping @Sendable (LoopbackServer.Request) -> LoopbackServer.Reply) throws -> LoopbackServer {
        let server = try LoopbackServer(handler: handler)
        servers.append(server)
        return server
    }

    struct ListClustersOutput: Decodable { var clusterArns: [String] }

    // MARK: ECS container credentials

    func testContainerFullURIWithAuthorizationToken() throws {
        let s = try session("container-full")
        let json = credentialJSON(s)
        let server = try serve { request in
            guard request.path == "/v2/credentials/task-1" else { return .text(404, "no") }
            guard request.header("Authorization") == "Basic c2VjcmV0LXRva2Vu" else { return .text(401, "unauthorized") }
            return .json(200, json)
        }
        let client = try AWSClient(
            configuration: .resolve(
                environment: env([
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(server.url)/v2/credentials/task-1",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic c2VjcmV0LXRva2Vu",
                ])))
        XCTAssertEqual(try client.credentials().source, "ECS container credentials")
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(server.requests.count, 1)
    }

    func testContainerTokenFileWinsAndIsReadAtEveryRefresh() throws {
        let s = try session("container-file")
        let json = credentialJSON(s, expiresIn: 120) // inside the refresh window: every use refreshes
        let server = try serve { request in
            request.header("Authorization") == "from-file-\(request.path.split(separator: "/").last!)"
                ? .json(200, json) : .text(401, "unauthorized")
        }
        try home.write("token", "from-file-1\n")
        let configuration = try AWSConfiguration.resolve(
            environment: env([
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(server.url)/1",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": home.file("token"),
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored",
            ]))
        _ = try configuration.credentialChain.credentials()
        _ = try configuration.credentialChain.credentials()
        XCTAssertEqual(server.requests.count, 2, "credentials expiring within the window are fetched again")
    }

    func testContainerRelativeURIGoesToTheAgentAddress() throws {
        let s = try session("container-relative")
        let json = credentialJSON(s)
        let server = try serve { $0.path == "/v2/credentials/abc" ? .json(200, json) : .text(404, "no") }
        // The agent address is 169.254.170.2; the test points the same provider at loopback.
        let provider = ContainerCredentials(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"],
            relativeHost: server.url, trace: DebugTrace(sink: nil), sleep: { _ in })
        guard case .found(let c) = try provider.load() else { return XCTFail("not found") }
        XCTAssertEqual(c.accessKeyID, s.key)
        XCTAssertEqual(ContainerCredentials.defaultHost, "http://169.254.170.2")
    }

    /// A call that is cancelled (a deadline, Ctrl-C) while its credentials are still being fetched ends then,
    /// with a `.cancelled` error, instead of sitting out the endpoint's 2 s timeout three times.
    func testCancellingACallAbandonsItsCredentialFetch() throws {
        let server = try serve { _ in .stall(seconds: 10) }
        let client = try AWSClient(
            configuration: .resolve(
                environment: env([
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(server.url)/creds"
                ])))
        let started = Date()
        let cancellation = Cancellation(when: { Date().timeIntervalSince(started) > 0.5 })
        XCTAssertThrowsError(
            try client.call(
                .ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self,
                cancellation: cancellation)
        ) { error in
            XCTAssertEqual((error as? AWSError)?.kind, .cancelled, "\(error)")
            XCTAssertTrue("\(error)".contains("ECS container credentials: the request to \(server.url)/creds was abandoned"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.9, "not the endpoint's 2 s timeout")
        XCTAssertEqual(server.requests.count, 1, "no second attempt once cancelled")
    }

    func testCancellingACallAbandonsItsIMDSFetch() throws {
        let server = try serve { _ in .stall(seconds: 10) }
        var e = env(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url, "AWS_METADATA_SERVICE_TIMEOUT": "5"])
        e["AWS_EC2_METADATA_DISABLED"] = nil
        let client = try AWSClient(configuration: .resolve(environment: e))
        let started = Date()
        let cancellation = Cancellation(when: { Date().timeIntervalSince(started) > 0.5 })
        XCTAssertThrowsError(
            try client.call(
                .ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self,
                cancellation: cancellation)
        ) { error in
            XCTAssertEqual((error as? AWSError)?.kind, .cancelled, "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3, "not the 5 s IMDS timeout")
    }

    func testContainerServerErrorsAreRetriedThenReported() throws {
        let server = try serve { _ in .text(500, "agent busy") }
        XCTAssertThrowsError(
            try AWSConfiguration.resolve(
                environment: env([
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(server.url)/creds"
                ])
            ).credentialChain.credentials()
        ) { error in
            XCTAssertEqual((error as? AWSError)?.kind, .credentials)
            XCTAssertTrue("\(error)".contains("HTTP 500"), "\(error)")
        }
        XCTAssertEqual(server.requests.count, ContainerCredentials.attempts)
    }

    // MARK: IMDSv2

    private func imdsServer(_ json: String, role: String = "app-instance-role") throws -> LoopbackServer {
        let token = "imds-session-token-\(UUID().uuidString)"
        return try serve { request in
            if request.method == "PUT", request.path == "/latest/api/token" {
                guard request.header("X-aws-ec2-metadata-token-ttl-seconds") != nil else { return .text(400, "missing ttl") }
                return .text(200, token)
            }
            // IMDSv2 only: no token, no answer (as with HttpTokens=required).
            guard request.method == "GET", request.header("X-aws-ec2-metadata-token") == token else { return .text(401, "") }
            switch request.path {
            case "/latest/meta-data/iam/security-credentials/": return .text(200, role)
            case "/latest/meta-data/iam/security-credentials/\(role)": return .json(200, json)
            default: return .text(404, "")
            }
        }
    }

    func testIMDSv2TokenRoleAndCredentials() throws {
        let s = try session("imds")
        let server = try imdsServer(credentialJSON(s, imds: true))
        var e = env(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url])
        e["AWS_EC2_METADATA_DISABLED"] = nil
        let client = try AWSClient(configuration: .resolve(environment: e))
        XCTAssertEqual(try client.credentials().source, "EC2 instance metadata (IMDSv2), role app-instance-role")
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(
            server.requests.map { "\($0.method) \($0.path)" },
            [
                "PUT /latest/api/token",
                "GET /latest/meta-data/iam/security-credentials/",
                "GET /latest/meta-data/iam/security-credentials/app-instance-role",
            ])
    }

    func testIMDSDisabledIsNotContacted() throws {
        let server = try imdsServer("{}")
        XCTAssertThrowsError(
            try AWSConfiguration.resolve(
                environment: env([
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url, "AWS_EC2_METADATA_DISABLED": "true",
                ])
            ).credentialChain.credentials()
        ) { error in
            XCTAssertTrue("\(error)".contains("disabled by AWS_EC2_METADATA_DISABLED"), "\(error)")
        }
        XCTAssertEqual(server.requests.count, 0)
    }

    func testStalledIMDSFailsFastWithTheShortTimeout() throws {
        let server = try serve { _ in .stall(seconds: 10) }
        var e = env(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url])
        e["AWS_EC2_METADATA_DISABLED"] = nil
        let started = Date()
        XCTAssertThrowsError(try AWSConfiguration.resolve(environment: e).credentialChain.credentials()) { error in
            XCTAssertTrue("\(error)".contains("EC2 instance metadata (IMDSv2): no answer from \(server.url)"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3, "the default IMDS timeout is one second")
    }

    func testCredentialSourceEc2InstanceMetadataFeedsAssumeRole() throws {
        // role_arn + credential_source: the instance's credentials sign the AssumeRole call.
        let instance = Session(key: moto.adminKey, secret: moto.adminSecret, token: "")
        let json =
            #"{"Code":"Success","AccessKeyId":"\#(instance.key)","SecretAccessKey":"\#(instance.secret)","Expiration":"\#(ISO8601DateFormatter.string(Date().addingTimeInterval(3600)))"}"#
        let server = try imdsServer(json)
        let role = try moto.createRole("from-instance")
        try home.write(
            ".aws/config",
            """
            [profile hop]
            role_arn = \(role)
            credential_source = Ec2InstanceMetadata
            role_session_name = hop
            """)
        var e = env(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url, "AWS_PROFILE": "hop"])
        e["AWS_EC2_METADATA_DISABLED"] = nil
        let client = try AWSClient(configuration: .resolve(environment: e))
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(try client.callerIdentity().arn, "arn:aws:sts::\(MotoServer.account):assumed-role/from-instance/hop")
    }
}
