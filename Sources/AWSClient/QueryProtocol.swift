import System

/// The AWS query protocol (STS, IAM): a form-encoded `Action=...&Version=...` body, XML answers.
enum QueryProtocol {
    static let contentType = "application/x-www-form-urlencoded; charset=utf-8"

    /// `POST /` of `action` with its form body, for AWSClient's calls and the credential chain's STS calls alike.
    static func request(
        _ service: AWSService, _ action: String, _ parameters: [(String, String)],
        endpoint: Endpoint, region: String
    ) throws -> OperationRequest {
        guard case .query(let version) = service.wireProtocol else {
            throw AWSError.configuration("\(service.signingName) does not speak the query protocol")
        }
        return OperationRequest(
            service: service, operation: action, endpoint: endpoint, region: region,
            headers: [(name: "Content-Type", value: contentType)],
            body: body(action: action, version: version, parameters: parameters))
    }

    static func body(action: String, version: String, parameters: [(String, String)]) -> [UInt8] {
        let all = [("Action", action), ("Version", version)] + parameters
        return Array(PercentEncoding.query(all).utf8)
    }
}
