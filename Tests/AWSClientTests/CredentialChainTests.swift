@testable import AWSClient
import Foundation
import XCTest

/// The chain's order and the shared-file rules, without network (IMDS is disabled or unreachable).
final class CredentialChainTests: XCTestCase {
    var home: TemporaryHome!

    override func setUpWithError() throws { home = try TemporaryHome() }
    override func tearDown() { home.remove() }

    private func base(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ["HOME": home.path, "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"]
        env.merge(extra) { _, new in new }
        return env
    }

    private func credentials(_ env: [String: String], profile: String? = nil) throws -> AWSCredentials {
        try AWSConfiguration.resolve(environment: env, profile: profile).credentialChain.credentials()
    }

    func testEnvironmentVariablesComeFirst() throws {
        try home.write(".aws/credentials", "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n")
        let c = try credentials(
            base(["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token"]))
        XCTAssertEqual(c.accessKeyID, "AKIAENV")
        XCTAssertEqual(c.sessionToken, "env-token")
        XCTAssertEqual(c.source, "environment variables")
    }

    func testPartialEnvironmentKeysAreAnError() {
        XCTAssertThrowsError(try credentials(base(["AWS_ACCESS_KEY_ID": "AKIAENV"]))) { error in
            XCTAssertEqual((error as? AWSError)?.kind, .credentials)
            XCTAssertTrue("\(error)".contains("AWS_SECRET_ACCESS_KEY"))
        }
    }

    func testExplicitProfileWinsOverEnvironmentKeysButAWSProfileDoesNot() throws {
        try home.write(".aws/credentials", "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = dev-secret\n")
        let env = base(["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"])
        XCTAssertEqual(try credentials(env, profile: "dev").accessKeyID, "AKIADEV")
        XCTAssertEqual(try credentials(env.merging(["AWS_PROFILE": "dev"]) { _, n in n }).accessKeyID, "AKIAENV")
        var withoutKeys = base(["AWS_PROFILE": "dev"])
        withoutKeys["AWS_ACCESS_KEY_ID"] = nil
        XCTAssertEqual(try credentials(withoutKeys).source, "profile \"dev\"")
    }

    func testProfileSectionRulesMatchTheCLI() throws {
        try home.write(
            ".aws/config",
            """
            # comment
            [default]
            region = eu-west-1
            [profile dev]
            aws_access_key_id = AKIACONFIGDEV
            aws_secret_access_key = config-dev-secret
            [ops]
            aws_access_key_id = AKIANOTAPROFILE
            aws_secret_access_key = ignored
            [profile "spaced name"]
            aws_access_key_id = AKIASPACED
            aws_secret_access_key = spaced-secret
            """)
        try home.write(
            ".aws/credentials",
            """
            ; the credentials file has no "profile " prefix
            [dev]
            aws_secret_access_key = creds-file-wins
            [profile literal]
            aws_access_key_id = AKIALITERAL
            aws_secret_access_key = literal-secret
            """)
        let dev = try credentials(base(), profile: "dev")
        XCTAssertEqual(dev.accessKeyID, "AKIACONFIGDEV")
        XCTAssertEqual(dev.secretAccessKey, "creds-file-wins", "the credentials file overrides the config file")
        XCTAssertEqual(try credentials(base(), profile: "spaced name").accessKeyID, "AKIASPACED")
        XCTAssertEqual(try credentials(base(), profile: "profile literal").accessKeyID, "AKIALITERAL")
        // `[ops]` in the config file is not a profile for the CLI.
        XCTAssertThrowsError(try AWSConfiguration.resolve(environment: base(), profile: "ops")) { error in
            XCTAssertEqual((error as? AWSError)?.kind, .configuration)
            XCTAssertTrue("\(error)".contains("\"ops\""), "\(error)")
        }
        // The default profile's region applies when nothing else names one.
        var env = base()
        env["AWS_REGION"] = nil
        XCTAssertEqual(try AWSConfiguration.resolve(environment: env).region, "eu-west-1")
    }

    func testFileLocationOverrides() throws {
        try home.write("elsewhere/creds", "[default]\naws_access_key_id = AKIAELSEWHERE\naws_secret_access_key = s\n")
        try home.write("elsewhere/conf", "[default]\nregion = ap-south-1\n")
        var env = base(["AWS_SHARED_CREDENTIALS_FILE": home.file("elsewhere/creds"), "AWS_CONFIG_FILE": home.file("elsewhere/conf")])
        env["AWS_REGION"] = nil
        let configuration = try AWSConfiguration.resolve(environment: env)
        XCTAssertEqual(configuration.region, "ap-south-1")
        XCTAssertEqual(try configuration.credentialChain.credentials().accessKeyID, "AKIAELSEWHERE")
    }

    func testMissingNamedProfileIsAConfigurationError() {
        XCTAssertThrowsError(try AWSConfiguration.resolve(environment: base(["AWS_PROFILE": "nope"]))) { error in
            XCTAssertEqual((error as? AWSError)?.kind, .configuration)
            XCTAssertTrue("\(error)".contains("\"nope\""))
            XCTAssertTrue("\(error)".contains("AWS_PROFILE"))
        }
    }

    func testNothingFoundListsEverythingTried() throws {
        // IMDS on a port nobody listens on: it must fail fast and be listed.
        let closed = try FreePort.next()
        var env = base(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(closed)"])
        env["AWS_EC2_METADATA_DISABLED"] = nil
        let started = Date()
        XCTAssertThrowsError(try credentials(env)) { error in
            guard let error = error as? AWSError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .credentials)
            let text = error.description
            for expected in [
                "environment variables", "AWS_WEB_IDENTITY_TOKEN_FILE", "profile \"default\"",
                "ECS container credentials", "EC2 instance metadata", "127.0.0.1:\(closed)",
            ] {
                XCTAssertTrue(text.contains(expected), "missing \(expected) in: \(text)")
            }
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }

    func testProfileWithoutCredentialsIsReportedAsSuch() throws {
        try home.write(".aws/config", "[default]\nregion = us-east-1\n")
        XCTAssertThrowsError(try credentials(base())) { error in
            XCTAssertTrue(
                "\(error)".contains("has no aws_access_key_id, role_arn, web_identity_token_file or credential_process"), "\(error)")
        }
    }

    func testRoleProfileErrors() throws {
        try home.write(
            ".aws/config",
            """
            [profile a]
            role_arn = arn:aws:iam::123456789012:role/a
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::123456789012:role/b
            source_profile = a
            [profile orphan]
            role_arn = arn:aws:iam::123456789012:role/x
            [profile both]
            role_arn = arn:aws:iam::123456789012:role/x
            source_profile = a
            credential_source = Environment
            [profile weird]
            role_arn = arn:aws:iam::123456789012:role/x
            credential_source = Moon
            [profile mfa]
            role_arn = arn:aws:iam::123456789012:role/x
            source_profile = a
            mfa_serial = arn:aws:iam::123456789012:mfa/me
            [profile sso]
            sso_session = corp
            sso_account_id = 123456789012
            [profile half]
            aws_access_key_id = AKIAHALF
            """)
        let cases: [(profile: String, expected: String)] = [
            ("a", "loop"),
            ("orphan", "neither source_profile nor credential_source"),
            ("both", "both source_profile and credential_source"),
            ("weird", "credential_source \"Moon\""),
            ("mfa", "MFA"),
            ("sso", "no [sso-session corp] section"),
            ("half", "no aws_secret_access_key"),
        ]
        for c in cases {
            XCTAssertThrowsError(try credentials(base(), profile: c.profile), c.profile) { error in
                XCTAssertEqual((error as? AWSError)?.kind, .credentials, c.profile)
                XCTAssertTrue("\(error)".contains(c.expected), "\(c.profile): \(error)")
            }
        }
    }

    func testSourceProfileThatRefersToItselfUsesItsOwnKeys() throws {
        // Only the structure is checked here (no STS): the chain must not report a loop.
        try home.write(".aws/credentials", "[self]\naws_access_key_id = AKIASELF\naws_secret_access_key = s\n")
        try home.write(".aws/config", "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = self\n")
        let closed = try FreePort.next()
        XCTAssertThrowsError(
            try credentials(base(["AWS_ENDPOINT_URL": "http://127.0.0.1:\(closed)", "AWS_MAX_ATTEMPTS": "1"]), profile: "self")
        ) { error in
            // It got as far as calling STS with its own keys.
            XCTAssertTrue("\(error)".contains("AssumeRole for arn:aws:iam::123456789012:role/r failed"), "\(error)")
            XCTAssertFalse("\(error)".contains("loop"))
        }
    }

    // MARK: credential_process

    func testCredentialProcessOutputIsUsed() throws {
        let expiration = ISO8601DateFormatter.string(Date().addingTimeInterval(3600))
        try home.write(
            "bin/creds",
            """
            #!/bin/sh
            printf '{"Version": 1, "AccessKeyId": "AKIAPROCESS", "SecretAccessKey": "%s", "SessionToken": "tok", "Expiration": "\(expiration)"}' "$SECRET_FROM_ENV"
            """, executable: true)
        try home.write(".aws/config", "[profile tool]\ncredential_process = \(home.file("bin/creds")) --flag 'quoted arg'\n")
        let c = try credentials(base(["SECRET_FROM_ENV": "process-secret"]), profile: "tool")
        XCTAssertEqual(c.accessKeyID, "AKIAPROCESS")
        XCTAssertEqual(c.secretAccessKey, "process-secret", "the process sees the environment given to resolve")
        XCTAssertEqual(c.sessionToken, "tok")
        XCTAssertEqual(c.expiration!.timeIntervalSinceNow, 3600, accuracy: 5)
        XCTAssertEqual(c.source, "profile \"tool\" (credential_process)")
    }

    func testCredentialProcessFailures() throws {
        let cases: [(name: String, script: String, expected: String)] = [
            ("exit", "echo 'token expired, run login' >&2; exit 3", "exited with status 3: token expired, run login"),
            ("notjson", "echo SECRETLOOKINGOUTPUT", "did not print a JSON object"),
            ("version", #"echo '{"Version": 2, "AccessKeyId": "a", "SecretAccessKey": "b"}'"#, "only Version 1"),
            ("nokeys", #"echo '{"Version": 1}'"#, "no AccessKeyId"),
            ("badexpiry", #"echo '{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b", "Expiration": "soon"}'"#, "not an ISO 8601"),
        ]
        for c in cases {
            try home.write("bin/\(c.name)", "#!/bin/sh\n\(c.script)\n", executable: true)
            try home.write(".aws/config", "[default]\ncredential_process = \(home.file("bin/\(c.name)"))\n")
            XCTAssertThrowsError(try credentials(base()), c.name) { error in
                XCTAssertEqual((error as? AWSError)?.code, "CredentialProcessFailed", c.name)
                XCTAssertTrue("\(error)".contains(c.expected), "\(c.name): \(error)")
                XCTAssertFalse("\(error)".contains("SECRETLOOKINGOUTPUT"), "stdout must not be quoted")
            }
        }
    }

    func testTemporaryCredentialsAreRefreshedBeforeTheyExpire() throws {
        // Each run prints a new key; the expiry is 15 minutes after the (injected) current time.
        let now = Date()
        let counter = home.file("count")
        try home.write(
            "bin/rotating",
            """
            #!/bin/sh
            n=$(($(cat \(counter) 2>/dev/null || echo 0) + 1)); echo $n > \(counter)
            printf '{"Version":1,"AccessKeyId":"AKIAROTATE%s","SecretAccessKey":"s","SessionToken":"t","Expiration":"%s"}' $n "$EXPIRY"
            """, executable: true)
        try home.write(".aws/config", "[default]\ncredential_process = \(home.file("bin/rotating"))\n")
        let configuration = try AWSConfiguration.resolve(
            environment: base(["EXPIRY": ISO8601DateFormatter.string(now.addingTimeInterval(15 * 60))]))
        configuration.clock.base = { now }
        XCTAssertEqual(try configuration.credentialChain.credentials().accessKeyID, "AKIAROTATE1")
        XCTAssertEqual(try configuration.credentialChain.credentials().accessKeyID, "AKIAROTATE1", "still fresh: cached")
        configuration.clock.base = { now.addingTimeInterval(6 * 60) } // 9 minutes left: inside the refresh window
        XCTAssertEqual(try configuration.credentialChain.credentials().accessKeyID, "AKIAROTATE2")
    }

    func testAFailedRefreshKeepsCredentialsThatAreStillValid() throws {
        let now = Date()
        let flag = home.file("fail")
        try home.write(
            "bin/flaky",
            """
            #!/bin/sh
            [ -f \(flag) ] && exit 1
            printf '{"Version":1,"AccessKeyId":"AKIAFLAKY","SecretAccessKey":"s","Expiration":"%s"}' "$EXPIRY"
            """, executable: true)
        try home.write(".aws/config", "[default]\ncredential_process = \(home.file("bin/flaky"))\n")
        let configuration = try AWSConfiguration.resolve(
            environment: base(["EXPIRY": ISO8601DateFormatter.string(now.addingTimeInterval(5 * 60))]))
        configuration.clock.base = { now }
        XCTAssertEqual(try configuration.credentialChain.credentials().accessKeyID, "AKIAFLAKY")
        try home.write("fail", "")
        XCTAssertEqual(try configuration.credentialChain.credentials().accessKeyID, "AKIAFLAKY", "5 minutes left: keep them")
        configuration.clock.base = { now.addingTimeInterval(6 * 60) } // expired now
        XCTAssertThrowsError(try configuration.credentialChain.credentials())
    }

    func testContainerFullURIMustBeLoopbackOrHTTPS() {
        XCTAssertThrowsError(try credentials(base(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/creds"]))) { error in
            XCTAssertTrue("\(error)".contains("loopback"), "\(error)")
        }
    }
}
