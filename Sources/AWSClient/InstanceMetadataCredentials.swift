import FoundationEssentials
import HTTP
import System

/// EC2 instance role credentials over IMDSv2: PUT a session token, read the role name, read its credentials.
/// Short timeouts (one second by default), so a laptop without IMDS moves on quickly.
final class InstanceMetadataCredentials: CredentialProvider {
    let name = "EC2 instance metadata (IMDSv2)"
    static let defaultEndpoint = "http://169.254.169.254"
    static let ipv6Endpoint = "http://[fd00:ec2::254]"
    static let tokenTTL = 21_600

    private let endpoint: String
    private let disabled: Bool
    private let timeout: Double
    private let attempts: Int
    private let trace: DebugTrace
    private var http: HTTPClient?

    init(environment: [String: String], profile: [String: String], trace: DebugTrace) throws {
        disabled = AWSConfiguration.isTrue(environment["AWS_EC2_METADATA_DISABLED"])
        if let configured = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? profile["ec2_metadata_service_endpoint"],
            !configured.isEmpty
        {
            do { endpoint = try Endpoint(parsing: configured).url } catch {
                throw AWSError.configuration("AWS_EC2_METADATA_SERVICE_ENDPOINT \"\(configured)\" is not an http(s) URL")
            }
        } else if (environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"] ?? profile["ec2_metadata_service_endpoint_mode"])?.lowercased()
            == "ipv6"
        {
            endpoint = Self.ipv6Endpoint
        } else {
            endpoint = Self.defaultEndpoint
        }
        let timeoutText = environment["AWS_METADATA_SERVICE_TIMEOUT"] ?? profile["metadata_service_timeout"]
        timeout = timeoutText.flatMap { Double($0) }.map { max(0.1, $0) } ?? 1
        let attemptsText = environment["AWS_METADATA_SERVICE_NUM_ATTEMPTS"] ?? profile["metadata_service_num_attempts"]
        attempts = attemptsText.flatMap { Int($0) }.map { max(1, min($0, 10)) } ?? 1
        self.trace = trace
    }

    private struct Body: Decodable {
        var Code: String?
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var Token: String?
        var Expiration: String?
    }

    // Long because it is IMDSv2's three requests in their order (session token, role name, the role's
    // credentials), each with the answers that end the lookup, as botocore reads them.
    func load(cancellation: Cancellation) throws -> CredentialLookup {
        if disabled { return .notFound("disabled by AWS_EC2_METADATA_DISABLED") }
        if http == nil {
            http = try? HTTPClient(configuration: HTTPClient.Configuration(connectTimeout: timeout, timeout: timeout))
        }
        guard let http else { return .notFound("cannot start libcurl") }

        var token: String?
        switch try get(
            http, "PUT", "/latest/api/token", headers: [(name: "X-aws-ec2-metadata-token-ttl-seconds", value: String(Self.tokenTTL))],
            cancellation: cancellation)
        {
        case .failure(let why):
            return .notFound("no answer from \(endpoint) (\(why))")
        case .success(let response) where response.status == 200:
            token = response.bodyText.trimmingSpacesTabsAndNewlines()
        case .success(let response):
            return .notFound("\(endpoint) refused an IMDSv2 session token (HTTP \(response.status))")
        }
        let auth: [(name: String, value: String)] = token.map { [(name: "X-aws-ec2-metadata-token", value: $0)] } ?? []

        let roleName: String
        switch try get(http, "GET", "/latest/meta-data/iam/security-credentials/", headers: auth, cancellation: cancellation) {
        case .success(let response) where response.status == 200:
            guard let first = response.bodyText.split(separator: "\n").first.map({ $0.trimmingSpacesTabsAndNewlines() }), !first.isEmpty
            else {
                return .notFound("the instance has no IAM role attached")
            }
            roleName = first
        case .success(let response):
            return .notFound(
                response.status == 404 ? "the instance has no IAM role attached" : "role lookup answered HTTP \(response.status)")
        case .failure(let why):
            return .notFound("role lookup failed (\(why))")
        }

        switch try get(http, "GET", "/latest/meta-data/iam/security-credentials/" + roleName, headers: auth, cancellation: cancellation) {
        case .success(let response) where response.status == 200:
            guard let body = try? JSONDecoder().decode(Body.self, from: Data(response.body)),
                body.Code == nil || body.Code == "Success",
                let key = body.AccessKeyId, let secret = body.SecretAccessKey
            else {
                throw AWSError.credentials("\(name): the credentials of role \(roleName) could not be read", code: "InstanceMetadataFailed")
            }
            return .found(
                AWSCredentials(
                    accessKeyID: key, secretAccessKey: secret, sessionToken: body.Token,
                    expiration: body.Expiration.flatMap(UTCTime.parseISO8601),
                    source: "\(name), role \(roleName)"))
        case .success(let response):
            throw AWSError.credentials(
                "\(name): reading the credentials of role \(roleName) answered HTTP \(response.status)", code: "InstanceMetadataFailed")
        case .failure(let why):
            throw AWSError.credentials(
                "\(name): reading the credentials of role \(roleName) failed (\(why))", code: "InstanceMetadataFailed")
        }
    }

    private enum Outcome {
        case success(HTTPResponse)
        case failure(String)
    }

    private func get(
        _ http: HTTPClient, _ method: String, _ path: String, headers: [(name: String, value: String)],
        cancellation: Cancellation
    ) throws -> Outcome {
        var problem = ""
        for _ in 1...attempts {
            do {
                let response = try http.send(
                    HTTPRequest(method: method, url: endpoint + path, headers: headers), cancellation: cancellation)
                // Bodies hold the token and the keys: trace the status only.
                trace("\(name): \(method) \(endpoint + path) -> \(response.status)")
                if response.status < 500 { return .success(response) }
                problem = "HTTP \(response.status)"
            } catch let error as HTTPError {
                if error.kind == .aborted { throw AWSError.cancelled("\(name): the request to \(endpoint + path) was abandoned") }
                trace("\(name): \(method) \(endpoint + path) failed: \(error.message)")
                problem = error.kind == .timeout ? "timed out after \(timeout) s" : error.message
            } catch {
                problem = "\(error)"
            }
        }
        return .failure(problem)
    }
}
