import AWSSigV4
import FoundationEssentials

/// Credentials from one source of the chain, with the time they stop working.
/// `description` shows the access key id and source only.
public struct AWSCredentials: Sendable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// nil for long-term keys.
    public var expiration: Date?
    /// Where they came from, e.g. `environment variables` or `profile "dev" (credential_process)`.
    public var source: String

    public init(
        accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil,
        source: String
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    var signing: SigV4Credentials {
        SigV4Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
    }

    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), source: \(source)\(sessionToken == nil ? "" : ", temporary"))"
    }
}

/// One place credentials can come from.
protocol CredentialProvider: AnyObject {
    /// How the "nothing found" message names this source.
    var name: String { get }
    /// `.found`, or `.notFound(why)` when this source is not set up; throws when it is set up but fails,
    /// because falling through to another source would then use credentials the user did not mean.
    /// A source that asks a server (IMDS, the container endpoint, STS, the SSO portal) gives up its
    /// request once `cancellation` says so, as the call that needed the credentials would.
    func load(cancellation: Cancellation) throws -> CredentialLookup
}

extension CredentialProvider {
    func load() throws -> CredentialLookup { try load(cancellation: .never) }
}

enum CredentialLookup {
    case found(AWSCredentials)
    case notFound(String)
}
