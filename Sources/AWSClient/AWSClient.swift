import FoundationEssentials
import HTTP

/// How a caller gives up on a call in flight (its deadline, Ctrl-C); here so that callers of
/// `AWSClient` need not import HTTP.
public typealias Cancellation = HTTP.Cancellation

/// Calls AWS services: JSON 1.1 (ECS, CloudWatch Logs) and the query protocol (STS), signed with
/// SigV4, retried in the standard mode, corrected for clock skew. Blocking, over one libcurl connection; not
/// `Sendable`, so one thread uses a client at a time (a program with several threads makes one for each).
public final class AWSClient {
    public let configuration: AWSConfiguration
    let transport: AWSTransport

    public init(configuration: AWSConfiguration) throws {
        self.configuration = configuration
        transport = try AWSTransport(
            httpConfiguration: configuration.httpConfiguration, retry: configuration.retry,
            clock: configuration.clock, trace: configuration.trace)
    }

    /// The endpoint URL used for `service`, e.g. `https://ecs.us-east-1.amazonaws.com` or the override.
    public func endpoint(for service: AWSService) -> String {
        configuration.endpoint(for: service)
    }

    /// Resolves credentials now (they are otherwise resolved at the first call), to fail early.
    @discardableResult
    public func credentials() throws -> AWSCredentials {
        try configuration.credentialChain.credentials()
    }

    /// A JSON 1.1 call: `POST /` with `X-Amz-Target: <prefix>.<operation>`. Retries per the standard mode.
    /// Once `cancellation` turns true, the call ends soon, in flight, before a retry or during its backoff,
    /// with a `.cancelled` error; once `noNewAttempt` does, no retry is sent, but the attempt in flight
    /// runs on (RunTask's answer is worth a short wait: it names the task to stop). An `idempotent` call (a read, or StopTask) is safe to repeat, so a 200
    /// whose body cannot be read is retried like a 5xx; for any other call it is an error at once, since
    /// the request may have taken effect.
    public func call<Input: Encodable, Output: Decodable>(
        _ service: AWSService, _ operation: String, _ input: Input,
        as output: Output.Type,
        cancellation: Cancellation = .never, noNewAttempt: Cancellation = .never, idempotent: Bool = false
    ) throws -> Output {
        guard case .json11(let prefix) = service.wireProtocol else {
            throw AWSError.configuration(
                "\(service.signingName) does not speak JSON 1.1; \(operation) cannot be called with call(_:_:_:as:)")
        }
        let body: [UInt8]
        do {
            body = Array(try Self.encoder.encode(input))
        } catch {
            throw AWSError(kind: .configuration, code: "InvalidInput", message: "cannot encode the input of \(operation): \(error)")
        }
        let request = OperationRequest(
            service: service, operation: operation, endpoint: configuration.resolvedEndpoint(for: service).endpoint,
            region: configuration.region,
            headers: [
                (name: "Content-Type", value: "application/x-amz-json-1.1"),
                (name: "X-Amz-Target", value: "\(prefix).\(operation)"),
            ], body: body)
        let chain = configuration.credentialChain
        return try transport.send(
            request, cancellation: cancellation, noNewAttempt: noNewAttempt,
            credentials: { try chain.credentials(cancellation: cancellation).signing },
            read: { response in
                let payload = response.body.isEmpty ? Array("{}".utf8) : response.body
                do {
                    return try Self.decoder.decode(Output.self, from: Data(payload))
                } catch {
                    throw AWSError(
                        kind: .service, code: AWSError.invalidResponseCode,
                        message: "the answer to \(operation) could not be read: \(error)", status: response.status,
                        requestID: response.header("x-amzn-RequestId"), isRetryable: idempotent)
                }
            })
    }

    /// A query-protocol call (`Action=<action>&Version=...`); returns the XML answer.
    func query(_ service: AWSService, _ action: String, _ parameters: [(String, String)]) throws -> XMLText {
        let request = try QueryProtocol.request(
            service, action, parameters,
            endpoint: configuration.resolvedEndpoint(for: service).endpoint,
            region: configuration.region)
        return XMLText(try send(request).body)
    }

    /// STS GetCallerIdentity: who the resolved credentials belong to.
    public func callerIdentity() throws -> (account: String, arn: String, userID: String) {
        let xml = try query(.sts, "GetCallerIdentity", [])
        return (xml.value("Account") ?? "", xml.value("Arn") ?? "", xml.value("UserId") ?? "")
    }

    private func send(_ request: OperationRequest, cancellation: Cancellation = .never) throws -> HTTPResponse {
        let chain = configuration.credentialChain
        return try transport.send(
            request, cancellation: cancellation, credentials: { try chain.credentials(cancellation: cancellation).signing })
    }

    /// JSON 1.1 sends timestamps as seconds since the epoch.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
