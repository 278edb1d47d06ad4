/// Credentials from a profile in the shared files, with the CLI's precedence inside the profile:
/// `role_arn` (with `source_profile` or `credential_source`), then `web_identity_token_file`,
/// then IAM Identity Center (SSO), then static keys, then `credential_process`. Role chains are followed and loops refused.
final class ProfileCredentials: CredentialProvider {
    let name: String
    private let profileName: String
    private let configuration: AWSConfiguration
    private let sts: STSClient
    private var plan: CredentialProvider?

    init(configuration: AWSConfiguration, sts: STSClient) {
        profileName = configuration.profileName
        name = "shared config profile \"\(configuration.profileName)\""
        self.configuration = configuration
        self.sts = sts
    }

    func load(cancellation: Cancellation) throws -> CredentialLookup {
        if plan == nil {
            guard configuration.shared.profiles[profileName] != nil else {
                let files = [configuration.shared.configPath, configuration.shared.credentialsPath].compactMap { $0 }
                return .notFound(
                    files.isEmpty
                        ? "HOME is not set, so there are no shared files"
                        : "no such profile in \(files.joined(separator: " or "))")
            }
            guard let resolved = try provider(for: profileName, chain: []) else {
                return .notFound("the profile has no aws_access_key_id, role_arn, web_identity_token_file or credential_process")
            }
            plan = resolved
        }
        return try plan!.load(cancellation: cancellation)
    }

    /// The provider for `name`, or nil when the profile has no credential settings at all.
    private func provider(for name: String, chain: [String]) throws -> CredentialProvider? {
        guard let settings = configuration.shared.profiles[name] else {
            throw AWSError.credentials(
                "the source profile \"\(name)\" (from \(chain.last.map { "profile \"\($0)\"" } ?? "?")) does not exist",
                code: "InvalidProfile")
        }
        let label = "profile \"\(name)\""
        let isSourceOfItself = chain.last == name

        if let roleARN = value(settings, "role_arn"), value(settings, "web_identity_token_file") == nil, !isSourceOfItself {
            return try assumeRole(roleARN, profile: name, settings: settings, chain: chain)
        }
        if let tokenFile = value(settings, "web_identity_token_file") {
            guard let roleARN = value(settings, "role_arn") else {
                throw AWSError.credentials("\(label) has web_identity_token_file but no role_arn", code: "InvalidProfile")
            }
            return WebIdentityCredentials(
                name: label, tokenFile: SharedConfig.expand(tokenFile, home: configuration.environment["HOME"]) ?? tokenFile,
                roleARN: roleARN, sessionName: value(settings, "role_session_name"),
                durationSeconds: try duration(settings, label: label), sts: sts, clock: configuration.clock)
        }
        // botocore's order: SSO before the profile's static keys and credential_process.
        if let sso = try SSOProfile.resolve(profileName: name, settings: settings, sessions: configuration.shared.ssoSessions) {
            return try SSOCredentials(profile: sso, configuration: configuration)
        }
        switch (value(settings, "aws_access_key_id"), value(settings, "aws_secret_access_key")) {
        case (let key?, let secret?):
            return StaticCredentials(
                name: label,
                credentials: AWSCredentials(
                    accessKeyID: key, secretAccessKey: secret, sessionToken: value(settings, "aws_session_token"), source: label))
        case (_?, nil):
            throw AWSError.credentials("\(label) has aws_access_key_id but no aws_secret_access_key", code: "PartialCredentials")
        case (nil, _?):
            throw AWSError.credentials("\(label) has aws_secret_access_key but no aws_access_key_id", code: "PartialCredentials")
        case (nil, nil):
            break
        }
        if let command = value(settings, "credential_process") {
            return ProcessCredentials(name: label, command: command, environment: configuration.environment)
        }
        if value(settings, "sso_session") != nil || value(settings, "sso_start_url") != nil {
            throw AWSError.credentials(
                "\(label) has sso_session or sso_start_url but neither sso_account_id nor sso_role_name; add both to use IAM Identity Center (SSO)",
                code: "InvalidProfile")
        }
        return nil
    }

    /// A role profile: the role's credentials, from its source_profile (followed down the chain, which
    /// must not loop) or its credential_source.
    private func assumeRole(_ roleARN: String, profile name: String, settings: [String: String], chain: [String]) throws
        -> CredentialProvider
    {
        let label = "profile \"\(name)\""
        if value(settings, "mfa_serial") != nil {
            throw AWSError.credentials(
                "\(label) needs an MFA code (mfa_serial), which a non-interactive tool cannot ask for; use `aws sts get-session-token` or a profile without MFA",
                code: "InvalidProfile")
        }
        let source: CredentialProvider
        switch (value(settings, "source_profile"), value(settings, "credential_source")) {
        case (let sourceProfile?, nil):
            if chain.contains(sourceProfile) && sourceProfile != name {
                throw AWSError.credentials(
                    "the role profiles form a loop: \((chain + [name, sourceProfile]).joined(separator: " -> "))",
                    code: "InvalidProfile")
            }
            guard let found = try provider(for: sourceProfile, chain: chain + [name]) else {
                throw AWSError.credentials(
                    "\(label) takes its role credentials from source_profile \"\(sourceProfile)\", which has no credentials",
                    code: "InvalidProfile")
            }
            source = found
        case (nil, let credentialSource?):
            source = try self.credentialSource(credentialSource, label: label)
        case (nil, nil):
            throw AWSError.credentials("\(label) has role_arn but neither source_profile nor credential_source", code: "InvalidProfile")
        case (_?, _?):
            throw AWSError.credentials("\(label) has both source_profile and credential_source; keep one", code: "InvalidProfile")
        }
        return AssumeRoleCredentials(
            name: label, source: source, roleARN: roleARN,
            sessionName: value(settings, "role_session_name"),
            externalID: value(settings, "external_id"),
            durationSeconds: try duration(settings, label: label), sts: sts, clock: configuration.clock)
    }

    private func credentialSource(_ source: String, label: String) throws -> CredentialProvider {
        switch source {
        case "Environment":
            return EnvironmentCredentials(environment: configuration.environment)
        case "EcsContainer":
            return ContainerCredentials(
                environment: configuration.environment, trace: configuration.trace, sleep: configuration.retry.sleep)
        case "Ec2InstanceMetadata":
            return try InstanceMetadataCredentials(
                environment: configuration.environment, profile: configuration.profile, trace: configuration.trace)
        default:
            throw AWSError.credentials(
                "\(label) has credential_source \"\(source)\"; use Environment, EcsContainer or Ec2InstanceMetadata", code: "InvalidProfile"
            )
        }
    }

    private func duration(_ settings: [String: String], label: String) throws -> Int? {
        guard let text = value(settings, "duration_seconds") else { return nil }
        guard let n = Int(text), n >= 900 else {
            throw AWSError.credentials(
                "\(label) has duration_seconds \"\(text)\"; it must be a number of seconds, at least 900", code: "InvalidProfile")
        }
        return n
    }

    private func value(_ settings: [String: String], _ key: String) -> String? {
        settings[key].flatMap { $0.isEmpty ? nil : $0 }
    }
}
