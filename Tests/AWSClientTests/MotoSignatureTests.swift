@testable import AWSClient
import Foundation
import XCTest

/// Our signer and client against moto with signature checking on: an independent SigV4 verifier.
final class MotoSignatureTests: MotoTestCase {
    var home = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        home = NSTemporaryDirectory() + "aws-home-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home + "/.aws", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: home)
    }

    struct ListClustersOutput: Decodable { var clusterArns: [String] }
    struct CreateClusterInput: Encodable { var clusterName: String }
    struct CreateClusterOutput: Decodable {
        struct Cluster: Decodable { var clusterArn: String; var clusterName: String }; var cluster: Cluster
    }
    struct DescribeClustersInput: Encodable { var clusters: [String] }
    struct DescribeClustersOutput: Decodable {
        struct Cluster: Decodable { var clusterName: String; var status: String }
        struct Failure: Decodable { var arn: String?; var reason: String? }
        var clusters: [Cluster]
        var failures: [Failure]?
    }

    func testCorrectKeysWork() throws {
        let client = try moto.makeClient(key: moto.adminKey, secret: moto.adminSecret)
        let created = try client.call(.ecs, "CreateCluster", CreateClusterInput(clusterName: "sig-ok"), as: CreateClusterOutput.self)
        XCTAssertEqual(created.cluster.clusterName, "sig-ok")
        let listed = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertTrue(listed.clusterArns.contains(created.cluster.clusterArn))
        let described = try client.call(
            .ecs, "DescribeClusters", DescribeClustersInput(clusters: ["sig-ok"]), as: DescribeClustersOutput.self)
        XCTAssertEqual(described.clusters.first?.status, "ACTIVE")
        // CloudWatch Logs (a second JSON 1.1 service) and STS (query protocol) with the same keys.
        _ = try client.call(.logs, "DescribeLogGroups", AWSEmptyInput(), as: AWSEmptyOutput.self)
        XCTAssertEqual(try client.callerIdentity().arn, "arn:aws:iam::\(MotoServer.account):user/admin")
    }

    func testWrongSecretFailsWithSignatureDoesNotMatch() throws {
        let client = try moto.makeClient(key: moto.adminKey, secret: moto.adminSecret + "x")
        XCTAssertThrowsError(try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) { error in
            guard let error = error as? AWSError else { return XCTFail("not an AWSError: \(error)") }
            XCTAssertEqual(error.kind, .service)
            XCTAssertEqual(error.code, "SignatureDoesNotMatch")
            XCTAssertEqual(error.status, 403)
            XCTAssertFalse(error.isRetryable)
            XCTAssertTrue(error.description.contains("SignatureDoesNotMatch"), error.description)
            XCTAssertTrue(error.description.lowercased().contains("check your aws credentials"), error.description)
            XCTAssertFalse(error.description.contains(moto.adminSecret), "the description leaks the secret")
        }
    }

    func testUnknownKeyFailsWithInvalidClientTokenId() throws {
        let client = try moto.makeClient(key: "AKIANOTAREALKEY00000", secret: "whatever")
        XCTAssertThrowsError(try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) { error in
            let error = error as? AWSError
            XCTAssertEqual(error?.code, "InvalidClientTokenId")
            XCTAssertTrue(error?.description.lowercased().contains("check your aws credentials") ?? false)
        }
    }

    func testSessionCredentialsFromAssumeRoleWork() throws {
        let roleARN = try moto.createRole("session-role")
        let admin = try moto.makeClient(key: moto.adminKey, secret: moto.adminSecret)
        let xml = try admin.query(.sts, "AssumeRole", [("RoleArn", roleARN), ("RoleSessionName", "unit")])
        let session = try STSClient.credentials(from: xml, result: "AssumeRoleResult", label: "test")
        XCTAssertNotNil(session.sessionToken)
        XCTAssertNotNil(session.expiration)

        let client = try moto.makeClient(key: session.accessKeyID, secret: session.secretAccessKey, token: session.sessionToken)
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(try client.callerIdentity().arn, "arn:aws:sts::\(MotoServer.account):assumed-role/session-role/unit")

        // The same keys with a different token are refused: the token is really checked.
        let forged = try moto.makeClient(key: session.accessKeyID, secret: session.secretAccessKey, token: session.sessionToken! + "x")
        XCTAssertThrowsError(try forged.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) { error in
            XCTAssertEqual((error as? AWSError)?.status, 403)
        }
    }

    func testRoleProfileWithSourceProfileAssumesTheRoleThenCallsECS() throws {
        let roleARN = try moto.createRole("deployer-role")
        try write(
            home + "/.aws/credentials",
            """
            [base]
            aws_access_key_id = \(moto.adminKey)
            aws_secret_access_key = \(moto.adminSecret)
            """)
        try write(
            home + "/.aws/config",
            """
            [profile deployer]
            role_arn = \(roleARN)
            source_profile = base
            role_session_name = deploy-session
            region = us-east-1
            endpoint_url = \(moto.url)
            """)
        let env = ["HOME": home, "AWS_PROFILE": "deployer", "AWS_EC2_METADATA_DISABLED": "true"]
        let client = try AWSClient(configuration: .resolve(environment: env))
        let credentials = try client.credentials()
        XCTAssertEqual(credentials.source, "profile \"deployer\" (\(roleARN))")
        XCTAssertNotEqual(credentials.accessKeyID, moto.adminKey)
        XCTAssertNotNil(credentials.sessionToken)
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(try client.callerIdentity().arn, "arn:aws:sts::\(MotoServer.account):assumed-role/deployer-role/deploy-session")
    }

    func testChainedRoleProfilesAndCredentialSourceEnvironment() throws {
        let first = try moto.createRole("hop-one")
        let second = try moto.createRole("hop-two", trusting: "arn:aws:sts::\(MotoServer.account):assumed-role/hop-one/one")
        try write(
            home + "/.aws/credentials",
            """
            [base]
            aws_access_key_id = \(moto.adminKey)
            aws_secret_access_key = \(moto.adminSecret)
            """)
        try write(
            home + "/.aws/config",
            """
            [default]
            region = us-east-1
            [profile one]
            role_arn = \(first)
            source_profile = base
            role_session_name = one
            [profile two]
            role_arn = \(second)
            source_profile = one
            role_session_name = two
            [profile from-env]
            role_arn = \(first)
            credential_source = Environment
            role_session_name = env
            """)
        let common = ["HOME": home, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.url, "AWS_EC2_METADATA_DISABLED": "true"]
        let two = try AWSClient(configuration: .resolve(environment: common, profile: "two"))
        _ = try two.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(try two.callerIdentity().arn, "arn:aws:sts::\(MotoServer.account):assumed-role/hop-two/two")

        var withKeys = common
        withKeys["AWS_ACCESS_KEY_ID"] = moto.adminKey
        withKeys["AWS_SECRET_ACCESS_KEY"] = moto.adminSecret
        let fromEnv = try AWSClient(configuration: .resolve(environment: withKeys, profile: "from-env"))
        _ = try fromEnv.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(try fromEnv.callerIdentity().arn, "arn:aws:sts::\(MotoServer.account):assumed-role/hop-one/env")
    }

    func testWebIdentityTokenFileFromEnvironmentAssumesTheRoleThenCallsECS() throws {
        let roleARN = try moto.createRole("ci-role")
        let tokenFile = home + "/oidc-token"
        try write(tokenFile, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmV4YW1wbGUvYXBwIn0.c2lnbmF0dXJl\n")
        let env = [
            "HOME": home, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.url, "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": roleARN, "AWS_ROLE_SESSION_NAME": "gha-run-42",
        ]
        let client = try AWSClient(configuration: .resolve(environment: env))
        try moto.allowUnauthenticated(1) // AssumeRoleWithWebIdentity is unsigned, as in AWS
        let credentials = try client.credentials()
        XCTAssertEqual(credentials.source, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE) (\(roleARN))")
        XCTAssertNotNil(credentials.sessionToken)
        // From here on moto checks signatures again: the ECS call must be signed with the role's session.
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(try client.callerIdentity().arn, "arn:aws:sts::\(MotoServer.account):assumed-role/ci-role/gha-run-42")
    }

    func testWebIdentityTokenFileInProfileAssumesTheRoleThenCallsECS() throws {
        let roleARN = try moto.createRole("profile-oidc-role")
        try write(home + "/token", "header.payload.signature")
        try write(
            home + "/.aws/config",
            """
            [default]
            region = us-east-1
            role_arn = \(roleARN)
            web_identity_token_file = ~/token
            role_session_name = from-profile
            """)
        let env = ["HOME": home, "AWS_ENDPOINT_URL": moto.url, "AWS_EC2_METADATA_DISABLED": "true"]
        let client = try AWSClient(configuration: .resolve(environment: env))
        try moto.allowUnauthenticated(1)
        let credentials = try client.credentials()
        XCTAssertEqual(credentials.source, "profile \"default\" (\(roleARN))")
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(try client.callerIdentity().arn, "arn:aws:sts::\(MotoServer.account):assumed-role/profile-oidc-role/from-profile")
    }

    func testUnsignedCallsAreRefusedOnceTheWindowIsUsed() throws {
        // Guards the web identity tests: after the one free action, moto checks signatures again.
        try moto.allowUnauthenticated(1)
        let first = try moto.makeClient(key: "AKIAUNKNOWN000000000", secret: "nope")
        _ = try first.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertThrowsError(try first.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self))
    }

    private func write(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
