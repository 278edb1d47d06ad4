/// One AWS service: how to sign for it, how to find it, and which protocol it speaks.
public struct AWSService: Sendable {
    public enum WireProtocol: Sendable, Equatable {
        /// `POST /` with `X-Amz-Target: <prefix>.<Operation>` and an `application/x-amz-json-1.1` body.
        case json11(targetPrefix: String)
        /// `POST /` with a form body `Action=<Operation>&Version=<version>&...`, XML answers.
        case query(version: String)
        /// REST with JSON answers, unsigned (the SSO portal and SSO-OIDC, which take a bearer token or client secret).
        case restJSONUnsigned
    }

    /// The SigV4 signing name.
    public var signingName: String
    /// The first label of the default host name, e.g. `ecs` in `ecs.us-east-1.amazonaws.com`.
    public var endpointPrefix: String
    public var wireProtocol: WireProtocol
    /// The `<SERVICE>` in `AWS_ENDPOINT_URL_<SERVICE>`, and (lower-cased) the key in a `[services]` section.
    public var environmentSuffix: String

    public init(signingName: String, endpointPrefix: String? = nil, wireProtocol: WireProtocol, environmentSuffix: String) {
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix ?? signingName
        self.wireProtocol = wireProtocol
        self.environmentSuffix = environmentSuffix
    }

    public static let ecs = AWSService(
        signingName: "ecs", wireProtocol: .json11(targetPrefix: "AmazonEC2ContainerServiceV20141113"),
        environmentSuffix: "ECS")
    public static let logs = AWSService(
        signingName: "logs", wireProtocol: .json11(targetPrefix: "Logs_20140328"),
        environmentSuffix: "CLOUDWATCH_LOGS")
    public static let sts = AWSService(signingName: "sts", wireProtocol: .query(version: "2011-06-15"), environmentSuffix: "STS")
    /// IAM Identity Center's portal (GetRoleCredentials) and SSO-OIDC (CreateToken), called by the SSO
    /// credential source itself.
    static let sso = AWSService(
        signingName: "awsssoportal", endpointPrefix: "portal.sso", wireProtocol: .restJSONUnsigned,
        environmentSuffix: "SSO")
    static let ssoOIDC = AWSService(
        signingName: "sso-oauth", endpointPrefix: "oidc", wireProtocol: .restJSONUnsigned,
        environmentSuffix: "SSO_OIDC")
    /// Used by the tests to create users and roles in the emulator.
    static let iam = AWSService(signingName: "iam", wireProtocol: .query(version: "2010-05-08"), environmentSuffix: "IAM")
}

/// The empty JSON object, for operations without input or with output nobody reads.
public struct AWSEmptyInput: Codable, Sendable {
    public init() {}
}

public typealias AWSEmptyOutput = AWSEmptyInput
