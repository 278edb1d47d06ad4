/// The credential chain in the SDKs' order.
enum CredentialSources {
    static func providers(for configuration: AWSConfiguration, explicitProfile: Bool) -> [CredentialProvider] {
        let environment = configuration.environment
        let sts = STSClient(configuration: configuration)
        var providers: [CredentialProvider] = []
        // Like the CLI: `--profile` means that profile, even when keys are in the environment.
        if !explicitProfile {
            providers.append(EnvironmentCredentials(environment: environment))
        }
        providers.append(EnvironmentWebIdentity(environment: environment, sts: sts, clock: configuration.clock))
        providers.append(ProfileCredentials(configuration: configuration, sts: sts))
        providers.append(
            ContainerCredentials(
                environment: environment,
                trace: configuration.trace, sleep: configuration.retry.sleep))
        providers.append(DeferredInstanceMetadata(configuration: configuration))
        return providers
    }
}

/// `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN` and optional `AWS_ROLE_SESSION_NAME`.
final class EnvironmentWebIdentity: CredentialProvider {
    let name = "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)"
    private let environment: [String: String]
    private let sts: STSClient
    private let clock: AWSClock

    init(environment: [String: String], sts: STSClient, clock: AWSClock) {
        self.environment = environment
        self.sts = sts
        self.clock = clock
    }

    func load(cancellation: Cancellation) throws -> CredentialLookup {
        guard let file = environment["AWS_WEB_IDENTITY_TOKEN_FILE"], !file.isEmpty else {
            return .notFound("AWS_WEB_IDENTITY_TOKEN_FILE is not set")
        }
        guard let role = environment["AWS_ROLE_ARN"], !role.isEmpty else {
            throw AWSError.credentials(
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the role to assume", code: "InvalidWebIdentityToken")
        }
        let session = environment["AWS_ROLE_SESSION_NAME"].flatMap { $0.isEmpty ? nil : $0 }
        return try WebIdentityCredentials(
            name: "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)", tokenFile: file, roleARN: role,
            sessionName: session, durationSeconds: nil, sts: sts, clock: clock
        ).load(cancellation: cancellation)
    }
}

/// Builds the IMDS provider on first use, so a bad IMDS setting only matters when IMDS is reached.
final class DeferredInstanceMetadata: CredentialProvider {
    let name = "EC2 instance metadata (IMDSv2)"
    private let configuration: AWSConfiguration
    private var provider: InstanceMetadataCredentials?

    init(configuration: AWSConfiguration) {
        self.configuration = configuration
    }

    func load(cancellation: Cancellation) throws -> CredentialLookup {
        if provider == nil {
            provider = try InstanceMetadataCredentials(
                environment: configuration.environment, profile: configuration.profile,
                trace: configuration.trace)
        }
        return try provider!.load(cancellation: cancellation)
    }
}
