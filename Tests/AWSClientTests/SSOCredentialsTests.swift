@testable import AWSClient
import Foundation
import XCTest

/// IAM Identity Center profiles against a loopback fake of the portal (GetRoleCredentials) and SSO-OIDC
/// (CreateToken) that checks every request exactly, and a chain to an assumed role through moto's STS.
final class SSOCredentialsTests: MotoTestCase {
    var home: TemporaryHome!
    var fake: FakeIdentityCenter!

    override func setUpWithError() throws {
        try super.setUpWithError()
        home = try TemporaryHome()
        fake = try FakeIdentityCenter()
    }

    override func tearDown() {
        fake?.server.stop()
        home?.remove()
    }

    static let sessionConfig = """
        [profile dev]
        sso_session = corp
        sso_account_id = 111122223333
        sso_role_name = ReadOnly
        region = us-east-1

        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = eu-west-1
        sso_registration_scopes = sso:account:access
        """
    static let legacyConfig = """
        [profile legacy]
        sso_start_url = https://legacy.awsapps.com/start#/
        sso_region = eu-central-1
        sso_account_id = 444455556666
        sso_role_name = Deploy
        region = us-east-1
        """
    /// sha1("corp") and sha1("https://legacy.awsapps.com/start#/"), computed outside this code.
    static let sessionCacheFile = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
    static let legacyCacheFile = ".aws/sso/cache/ac60cfe620e0b9d4aa02d26761573a831bdae14f.json"

    private var lines: [String] = []
    private func environment(profile: String, _ extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "HOME": home.path, "AWS_PROFILE": profile, "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL_SSO": fake.server.url, "AWS_ENDPOINT_URL_SSO_OIDC": fake.server.url,
        ]
        env.merge(extra) { _, new in new }
        return env
    }

    private func credentials(profile: String) throws -> AWSCredentials {
        try AWSConfiguration.resolve(environment: environment(profile: profile), debug: { self.lines.append($0) })
            .credentialChain.credentials()
    }

    private func writeToken(
        _ file: String, access: String, expiresIn seconds: Double, refreshable: Bool = false,
        registrationExpiresIn: Double = 86_400 * 60, mode: Int = 0o600
    ) throws {
        var fields = [
            "\"startUrl\": \"https://corp.awsapps.com/start\"", "\"region\": \"eu-west-1\"",
            "\"accessToken\": \"\(access)\"", "\"expiresAt\": \"\(ISO8601DateFormatter.string(Date().addingTimeInterval(seconds)))\"",
        ]
        if refreshable {
            fields += [
                "\"clientId\": \"client-id-123\"", "\"clientSecret\": \"client-secret-456\"", "\"refreshToken\": \"refresh-789\"",
                "\"registrationExpiresAt\": \"\(ISO8601DateFormatter.string(Date().addingTimeInterval(registrationExpiresIn)))\"",
            ]
        }
        try home.write(file, "{\n  " + fields.joined(separator: ",\n  ") + "\n}\n")
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: home.file(file))
    }

    private func cached(_ file: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: home.file(file)))) as! [String: Any]
    }

    func testSessionFormTakesTheTokenNamedForTheSessionAndCallsThePortalUnsigned() throws {
        try home.write(".aws/config", Self.sessionConfig)
        try writeToken(Self.sessionCacheFile, access: "access-token-valid", expiresIn: 3600)
        fake.accessToken = "access-token-valid"
        let c = try credentials(profile: "dev")
        XCTAssertEqual(c.accessKeyID, fake.issuedKey)
        XCTAssertEqual(c.sessionToken, fake.issuedSessionToken)
        XCTAssertEqual(c.expiration?.timeIntervalSince1970, fake.issuedExpirationMillis / 1000)
        XCTAssertEqual(fake.server.requests.map(\.path), ["/federation/credentials?role_name=ReadOnly&account_id=111122223333"])
        let request = try XCTUnwrap(fake.server.requests.first)
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.header("x-amz-sso_bearer_token"), "access-token-valid")
        XCTAssertNil(request.header("Authorization"))
        XCTAssertNil(request.header("X-Amz-Date"))
    }

    func testRoleCredentialsAreFetchedAgainBeforeTheyExpire() throws {
        try home.write(".aws/config", Self.sessionConfig)
        try writeToken(Self.sessionCacheFile, access: "access-valid", expiresIn: 3600)
        fake.accessToken = "access-valid"
        fake.issuedExpirationMillis = (Date().timeIntervalSince1970 + 5 * 60).rounded(.down) * 1000
        let chain = try AWSConfiguration.resolve(environment: environment(profile: "dev")).credentialChain
        _ = try chain.credentials()
        _ = try chain.credentials()
        XCTAssertEqual(fake.server.requests.count, 2, "inside the chain's refresh window the portal is asked again")
        fake.issuedExpirationMillis = (Date().timeIntervalSince1970 + 3600).rounded(.down) * 1000
        _ = try chain.credentials()
        _ = try chain.credentials()
        XCTAssertEqual(fake.server.requests.count, 3, "an hour left: the credentials are kept")
    }

    func testLegacyFormTakesTheTokenNamedForTheStartURL() throws {
        try home.write(".aws/config", Self.legacyConfig)
        try writeToken(Self.legacyCacheFile, access: "legacy-access", expiresIn: 3600)
        fake.accessToken = "legacy-access"
        XCTAssertEqual(try credentials(profile: "legacy").accessKeyID, fake.issuedKey)
        XCTAssertEqual(fake.server.requests.map(\.path), ["/federation/credentials?role_name=Deploy&account_id=444455556666"])
    }

    func testRefreshInsideTheWindowWritesTheNewTokenBackAtomically() throws {
        try home.write(".aws/config", Self.sessionConfig)
        try writeToken(Self.sessionCacheFile, access: "access-old", expiresIn: 10 * 60, refreshable: true, mode: 0o640)
        let registration = try cached(Self.sessionCacheFile)["registrationExpiresAt"] as? String
        fake.accessToken = "access-new"
        let before = Date()
        _ = try credentials(profile: "dev")

        XCTAssertEqual(fake.server.requests.map(\.path), ["/token", "/federation/credentials?role_name=ReadOnly&account_id=111122223333"])
        let create = fake.server.requests[0]
        XCTAssertEqual(create.method, "POST")
        XCTAssertNil(create.header("Authorization"))
        let body = try JSONSerialization.jsonObject(with: Data(create.body)) as? [String: String]
        XCTAssertEqual(
            body,
            [
                "grantType": "refresh_token", "clientId": "client-id-123", "clientSecret": "client-secret-456",
                "refreshToken": "refresh-789",
            ])
        XCTAssertEqual(fake.server.requests[1].header("x-amz-sso_bearer_token"), "access-new")

        let written = try cached(Self.sessionCacheFile)
        XCTAssertEqual(written["accessToken"] as? String, "access-new")
        XCTAssertEqual(written["refreshToken"] as? String, "refresh-rotated")
        XCTAssertEqual(written["clientId"] as? String, "client-id-123")
        XCTAssertEqual(written["clientSecret"] as? String, "client-secret-456")
        XCTAssertEqual(written["registrationExpiresAt"] as? String, registration)
        XCTAssertEqual(written["startUrl"] as? String, "https://corp.awsapps.com/start")
        XCTAssertEqual(written["region"] as? String, "eu-west-1")
        let expiresAt = try XCTUnwrap(ISO8601DateFormatter().date(from: written["expiresAt"] as? String ?? ""))
        XCTAssertEqual(expiresAt.timeIntervalSince(before), 8 * 3600, accuracy: 5)
        let attributes = try FileManager.default.attributesOfItem(atPath: home.file(Self.sessionCacheFile))
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o640)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: home.file(".aws/sso/cache")),
            [(Self.sessionCacheFile as NSString).lastPathComponent], "no temporary file is left behind")
    }

    func testNoRefreshOutsideTheWindowOrWithAnExpiredRegistration() throws {
        try home.write(".aws/config", Self.sessionConfig)
        fake.accessToken = "access-current"
        try writeToken(Self.sessionCacheFile, access: "access-current", expiresIn: 20 * 60, refreshable: true)
        let untouched = try String(contentsOfFile: home.file(Self.sessionCacheFile), encoding: .utf8)
        _ = try credentials(profile: "dev")
        XCTAssertEqual(fake.server.requests.map(\.path).filter { $0 == "/token" }, [])
        XCTAssertEqual(try String(contentsOfFile: home.file(Self.sessionCacheFile), encoding: .utf8), untouched)

        try writeToken(Self.sessionCacheFile, access: "access-current", expiresIn: 5 * 60, refreshable: true, registrationExpiresIn: -60)
        _ = try credentials(profile: "dev")
        XCTAssertEqual(fake.server.requests.map(\.path).filter { $0 == "/token" }, [], "the client registration has expired")
    }

    func testAnExpiredLegacyTokenIsNeverRefreshedAndNamesTheLoginCommand() throws {
        try home.write(".aws/config", Self.legacyConfig)
        try writeToken(Self.legacyCacheFile, access: "legacy-expired", expiresIn: -30, refreshable: true)
        XCTAssertThrowsError(try credentials(profile: "legacy")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("profile \"legacy\""), message)
            XCTAssertTrue(message.contains("run `aws sso login --profile legacy`"), message)
            XCTAssertFalse(message.contains("\n"), message)
            XCTAssertFalse(message.contains("legacy-expired"), message)
        }
        XCTAssertEqual(fake.server.requests.count, 0)
    }

    func testAMissingTokenOrARefusedOneNamesTheSessionLogin() throws {
        try home.write(".aws/config", Self.sessionConfig)
        XCTAssertThrowsError(try credentials(profile: "dev")) { error in
            XCTAssertTrue("\(error)".contains("run `aws sso login --sso-session corp`"), "\(error)")
            XCTAssertTrue("\(error)".contains("ee0bfd2552fbd840c02cc48b6e823320543c450f.json does not exist"), "\(error)")
        }
        try writeToken(Self.sessionCacheFile, access: "revoked-token", expiresIn: 3600)
        fake.accessToken = "some-other-token"
        XCTAssertThrowsError(try credentials(profile: "dev")) { error in
            XCTAssertTrue("\(error)".contains("the portal refused the SSO token; run `aws sso login --sso-session corp`"), "\(error)")
            XCTAssertFalse("\(error)".contains("revoked-token"), "\(error)")
        }
    }

    func testProfileAndSessionMustAgree() throws {
        try home.write(
            ".aws/config",
            Self.sessionConfig.replacingOccurrences(
                of: "sso_role_name = ReadOnly", with: "sso_role_name = ReadOnly\nsso_region = us-west-2"))
        XCTAssertThrowsError(try credentials(profile: "dev")) { error in
            XCTAssertTrue(
                "\(error)".contains("sso_region is \"us-west-2\" in profile \"dev\" but \"eu-west-1\" in [sso-session corp]"), "\(error)")
        }
        try home.write(".aws/config", Self.sessionConfig.replacingOccurrences(of: "sso_session = corp", with: "sso_session = nowhere"))
        XCTAssertThrowsError(try credentials(profile: "dev")) { error in
            XCTAssertTrue("\(error)".contains("no [sso-session nowhere] section"), "\(error)")
        }
        try home.write(".aws/config", Self.legacyConfig.replacingOccurrences(of: "sso_region = eu-central-1\n", with: ""))
        XCTAssertThrowsError(try credentials(profile: "legacy")) { error in
            XCTAssertTrue("\(error)".contains("lacks sso_region"), "\(error)")
        }
    }

    /// source_profile from an SSO profile: the portal hands out role credentials made in moto, which assume a role
    /// through moto's STS (signature checks on). The debug trace shows none of the secrets involved.
    func testAChainFromSSOToAnAssumedRoleWithADebugTraceWithoutSecrets() throws {
        // What the portal hands out are a permission set's role credentials: make real ones in moto.
        let permissionSet = try moto.createRole("AWSReservedSSO_ReadOnly_0123456789abcdef")
        let role = try moto.createRole(
            "sso-chain-role", trusting: "arn:aws:sts::\(MotoServer.account):assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/dev-user")
        let issued = try moto.makeClient(key: moto.adminKey, secret: moto.adminSecret)
            .query(.sts, "AssumeRole", [("RoleArn", permissionSet), ("RoleSessionName", "dev-user")])
        fake.issuedKey = try XCTUnwrap(issued.value("AccessKeyId"))
        fake.issuedSecret = try XCTUnwrap(issued.value("SecretAccessKey"))
        fake.issuedSessionToken = try XCTUnwrap(issued.value("SessionToken"))
        try home.write(
            ".aws/config",
            Self.sessionConfig + """

                [profile deploy]
                role_arn = \(role)
                source_profile = dev
                role_session_name = rollback
                region = us-east-1
                """)
        try writeToken(Self.sessionCacheFile, access: "access-chain-old", expiresIn: 60, refreshable: true)
        fake.accessToken = "access-new"
        let configuration = try AWSConfiguration.resolve(
            environment: environment(profile: "deploy", ["AWS_ENDPOINT_URL_STS": moto.url]),
            debug: { self.lines.append($0) })
        let client = try AWSClient(configuration: configuration)
        let identity = try client.callerIdentity()
        XCTAssertEqual(identity.arn, "arn:aws:sts::\(MotoServer.account):assumed-role/sso-chain-role/rollback")
        let assumed = try client.credentials()
        XCTAssertTrue(assumed.accessKeyID.hasPrefix("ASIA"), assumed.accessKeyID)
        XCTAssertTrue(assumed.source.contains("profile \"deploy\""), assumed.source)
        lines.append("credentials as printed: \(assumed)")

        let trace = lines.joined(separator: "\n")
        XCTAssertTrue(trace.contains("SSO GetRoleCredentials ReadOnly in 111122223333"), trace)
        XCTAssertTrue(trace.contains("SSO-OIDC CreateToken"), trace)
        for secret in [
            "access-chain-old", "access-new", "refresh-789", "refresh-rotated", "client-secret-456",
            moto.adminSecret, fake.issuedSecret, fake.issuedSessionToken, assumed.secretAccessKey, assumed.sessionToken ?? "-",
        ] {
            XCTAssertFalse(trace.contains(secret), "a secret in the trace:\n\(trace)")
        }
    }
}
