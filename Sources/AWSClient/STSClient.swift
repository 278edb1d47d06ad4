import FoundationEssentials
import HTTP
import System

/// The two STS calls the credential chain makes. AssumeRoleWithWebIdentity is unsigned, as in the SDKs.
final class STSClient {
    private let endpoint: Endpoint
    private let region: String
    private let makeTransport: () throws -> AWSTransport
    private var cachedTransport: AWSTransport?

    init(configuration: AWSConfiguration) {
        endpoint = configuration.resolvedEndpoint(for: .sts).endpoint
        region = configuration.region
        let http = configuration.httpConfiguration
        let retry = configuration.retry
        let clock = configuration.clock
        let trace = configuration.trace
        makeTransport = { try AWSTransport(httpConfiguration: http, retry: retry, clock: clock, trace: trace) }
    }

    /// `AssumeRole`, signed with `source`.
    func assumeRole(
        roleARN: String, sessionName: String, externalID: String?, durationSeconds: Int?,
        source: AWSCredentials, label: String, cancellation: Cancellation = .never
    ) throws -> AWSCredentials {
        var parameters = [("RoleArn", roleARN), ("RoleSessionName", sessionName)]
        if let externalID { parameters.append(("ExternalId", externalID)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        let xml = try call("AssumeRole", parameters, credentials: source, roleARN: roleARN, cancellation: cancellation)
        return try Self.credentials(from: xml, result: "AssumeRoleResult", label: label)
    }

    /// `AssumeRoleWithWebIdentity`, unsigned: the OIDC token is the proof.
    func assumeRoleWithWebIdentity(
        roleARN: String, sessionName: String, token: String, durationSeconds: Int?,
        label: String, cancellation: Cancellation = .never
    ) throws -> AWSCredentials {
        var parameters = [("RoleArn", roleARN), ("RoleSessionName", sessionName), ("WebIdentityToken", token)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        let xml = try call("AssumeRoleWithWebIdentity", parameters, credentials: nil, roleARN: roleARN, cancellation: cancellation)
        return try Self.credentials(from: xml, result: "AssumeRoleWithWebIdentityResult", label: label)
    }

    private func call(
        _ action: String, _ parameters: [(String, String)], credentials: AWSCredentials?,
        roleARN: String, cancellation: Cancellation
    ) throws -> XMLText {
        let transport = try cachedTransport ?? makeTransport()
        cachedTransport = transport
        let request = try QueryProtocol.request(.sts, action, parameters, endpoint: endpoint, region: region)
        do {
            let response = try transport.send(request, cancellation: cancellation, credentials: { credentials?.signing })
            return XMLText(response.body)
        } catch var error as AWSError {
            // The caller needs to know it was the role assumption that failed, not its own call.
            error.message = "\(action) for \(roleARN) failed: \(error.kind == .service ? "\(error.code): " : "")\(error.message)"
            error.kind = error.kind == .transport || error.kind == .cancelled ? error.kind : .credentials
            throw error
        }
    }

    static func credentials(from xml: XMLText, result: String, label: String) throws -> AWSCredentials {
        guard let key = xml.value(result, "Credentials", "AccessKeyId"),
            let secret = xml.value(result, "Credentials", "SecretAccessKey"),
            let token = xml.value(result, "Credentials", "SessionToken")
        else {
            throw AWSError.credentials("STS answered without credentials (\(label))", code: "InvalidResponse")
        }
        let expiration = xml.value(result, "Credentials", "Expiration").flatMap(UTCTime.parseISO8601)
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token, expiration: expiration, source: label)
    }

    static func defaultSessionName(clock: AWSClock) -> String {
        "ecs-run-\(Int(clock.now().timeIntervalSince1970))"
    }
}
