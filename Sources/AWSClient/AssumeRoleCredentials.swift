/// STS AssumeRole signed with the credentials of another source (`source_profile` or `credential_source`).
final class AssumeRoleCredentials: CredentialProvider {
    let name: String
    private let source: CredentialProvider
    private let roleARN: String
    private let sessionName: String?
    private let externalID: String?
    private let durationSeconds: Int?
    private let sts: STSClient
    private let clock: AWSClock

    init(
        name: String, source: CredentialProvider, roleARN: String, sessionName: String?, externalID: String?,
        durationSeconds: Int?, sts: STSClient, clock: AWSClock
    ) {
        self.name = name
        self.source = source
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.externalID = externalID
        self.durationSeconds = durationSeconds
        self.sts = sts
        self.clock = clock
    }

    func load(cancellation: Cancellation) throws -> CredentialLookup {
        guard case .found(let sourceCredentials) = try source.load(cancellation: cancellation) else {
            throw AWSError.credentials("\(name): the source of the role's credentials (\(source.name)) has none")
        }
        return .found(
            try sts.assumeRole(
                roleARN: roleARN, sessionName: sessionName ?? STSClient.defaultSessionName(clock: clock), externalID: externalID,
                durationSeconds: durationSeconds, source: sourceCredentials, label: "\(name) (\(roleARN))",
                cancellation: cancellation))
    }
}

/// Fixed keys from a profile.
final class StaticCredentials: CredentialProvider {
    let name: String
    private let credentials: AWSCredentials

    init(name: String, credentials: AWSCredentials) {
        self.name = name
        self.credentials = credentials
    }

    func load(cancellation: Cancellation) throws -> CredentialLookup { .found(credentials) }
}
