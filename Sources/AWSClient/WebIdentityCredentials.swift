import System

/// STS AssumeRoleWithWebIdentity with an OIDC token read from a file (GitHub/GitLab OIDC, EKS IRSA).
/// The file is read again at every refresh, because the platform rotates it.
final class WebIdentityCredentials: CredentialProvider {
    let name: String
    private let tokenFile: String
    private let roleARN: String
    private let sessionName: String?
    private let durationSeconds: Int?
    private let sts: STSClient
    private let clock: AWSClock

    init(
        name: String, tokenFile: String, roleARN: String, sessionName: String?, durationSeconds: Int?,
        sts: STSClient, clock: AWSClock
    ) {
        self.name = name
        self.tokenFile = tokenFile
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.durationSeconds = durationSeconds
        self.sts = sts
        self.clock = clock
    }

    func load(cancellation: Cancellation) throws -> CredentialLookup {
        let token: String
        do {
            guard let text = try SharedConfig.readFile(tokenFile) else {
                throw AWSError.credentials(
                    "the web identity token file \(tokenFile) does not exist (\(name))", code: "InvalidWebIdentityToken")
            }
            token = text.trimmingSpacesTabsAndNewlines()
        } catch let error as AWSError where error.kind == .configuration {
            throw AWSError.credentials(error.message + " (\(name))", code: "InvalidWebIdentityToken")
        }
        guard !token.isEmpty else {
            throw AWSError.credentials("the web identity token file \(tokenFile) is empty (\(name))", code: "InvalidWebIdentityToken")
        }
        return .found(
            try sts.assumeRoleWithWebIdentity(
                roleARN: roleARN, sessionName: sessionName ?? STSClient.defaultSessionName(clock: clock), token: token,
                durationSeconds: durationSeconds, label: "\(name) (\(roleARN))", cancellation: cancellation))
    }
}
