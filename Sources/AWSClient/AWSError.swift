/// Any failure of an AWS call: what AWS answered, or why no answer came.
/// `description` is safe to print: it never contains keys, tokens or signatures.
public struct AWSError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// AWS (or the emulator or a proxy in between) answered with an error.
        case service
        /// No answer: connection refused or reset, DNS, TLS, timeout.
        case transport
        /// No usable credentials, or a credential source failed.
        case credentials
        /// Bad or missing settings: region, profile, endpoint, retry settings.
        case configuration
        /// Its caller gave up on it through its `Cancellation` (its deadline passed, or the user
        /// interrupted); never retried.
        case cancelled
    }

    public var kind: Kind
    /// The AWS error code without namespace, e.g. `ClusterNotFoundException`; `NetworkError`/`Timeout` for transport.
    public var code: String
    public var message: String
    /// The HTTP status when AWS answered.
    public var status: Int?
    public var requestID: String?
    /// Throttling, HTTP 500/502/503/504, connection errors and timeouts.
    public var isRetryable: Bool

    /// The code when no setting names a region, so a caller without `--region` can word its own hint.
    public static let noRegionCode = "NoRegion"
    /// The code of a setting whose value is malformed (an endpoint URL, a region name, a number of
    /// attempts), found before any request: for a command line, a usage error.
    public static let invalidSettingCode = "InvalidSetting"
    /// The code of a 2xx answer whose body could not be read (a proxy's page, a body cut short).
    public static let invalidResponseCode = "InvalidResponse"

    public init(
        kind: Kind, code: String, message: String, status: Int? = nil, requestID: String? = nil,
        isRetryable: Bool = false
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.status = status
        self.requestID = requestID
        self.isRetryable = isRetryable
    }

    public var description: String {
        var text: String
        switch kind {
        case .service:
            text = message.isEmpty ? code : "\(code): \(message)"
            var details: [String] = []
            if let status { details.append("HTTP \(status)") }
            if let requestID, !requestID.isEmpty { details.append("request id \(requestID)") }
            if !details.isEmpty { text += " (\(details.joined(separator: ", ")))" }
        case .transport, .cancelled:
            text = "\(code): \(message)"
        case .credentials, .configuration:
            text = message
        }
        if let hint = hint { text += ". " + hint }
        return text
    }

    /// Advice for the errors users most often meet, keyed by code.
    var hint: String? {
        switch code {
        case "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature", "IncompleteSignatureException":
            return
                "Check your AWS credentials: the secret access key does not match the access key id (check AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY and ~/.aws/credentials)"
        case "InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId", "AuthFailure", "InvalidToken",
            "MissingAuthenticationToken", "MissingAuthenticationTokenException":
            return
                "Check your AWS credentials: AWS does not know this access key or session token (check AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_SESSION_TOKEN and ~/.aws/credentials)"
        case "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired":
            return
                "Check your AWS credentials: the session token has expired; refresh them (for example `aws sso login` or a new role session)"
        case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
            return "The credentials are valid but lack an IAM permission for this action"
        default:
            return nil
        }
    }

    static func configuration(_ message: String) -> AWSError {
        AWSError(kind: .configuration, code: "InvalidConfiguration", message: message)
    }

    static func invalidSetting(_ message: String) -> AWSError {
        AWSError(kind: .configuration, code: invalidSettingCode, message: message)
    }

    static func credentials(_ message: String, code: String = "CredentialsNotLoaded") -> AWSError {
        AWSError(kind: .credentials, code: code, message: message)
    }

    static func cancelled(_ message: String) -> AWSError {
        AWSError(kind: .cancelled, code: "RequestAbandoned", message: message)
    }
}
