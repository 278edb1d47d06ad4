import FoundationEssentials
import HTTP
import System

/// ECS (and EKS Pod Identity) container credentials: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` against
/// 169.254.170.2, or `AWS_CONTAINER_CREDENTIALS_FULL_URI` with an optional authorization token.
final class ContainerCredentials: CredentialProvider {
    let name = "ECS container credentials"
    static let defaultHost = "http://169.254.170.2"
    static let timeout: Double = 2
    static let attempts = 3

    private let environment: [String: String]
    private let relativeHost: String
    private let trace: DebugTrace
    private let sleep: (Double) -> Void
    private var http: HTTPClient?

    init(
        environment: [String: String], relativeHost: String = ContainerCredentials.defaultHost, trace: DebugTrace,
        sleep: @escaping (Double) -> Void
    ) {
        self.environment = environment
        self.relativeHost = relativeHost
        self.trace = trace
        self.sleep = sleep
    }

    private struct Body: Decodable {
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var Token: String?
        var Expiration: String?
        var Code: String?
        var Message: String?
    }

    func load(cancellation: Cancellation) throws -> CredentialLookup {
        let url: String
        if let relative = nonEmpty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            url = relativeHost + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = nonEmpty("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            try Self.checkFullURI(full)
            url = full
        } else {
            return .notFound("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set")
        }
        var headers: [(name: String, value: String)] = [(name: "Accept", value: "application/json")]
        if let token = try authorizationToken() { headers.append((name: "Authorization", value: token)) }

        if http == nil {
            http = try? HTTPClient(configuration: HTTPClient.Configuration(connectTimeout: Self.timeout, timeout: Self.timeout))
        }
        guard let http else { throw AWSError.credentials("cannot start libcurl for \(name)") }
        var lastProblem = ""
        for attempt in 1...Self.attempts {
            do {
                let response = try http.send(HTTPRequest(method: "GET", url: url, headers: headers), cancellation: cancellation)
                // The body holds the secret: trace the status only.
                trace("\(name): GET \(url) -> \(response.status)")
                if response.status == 200 {
                    return .found(try parse(response.body, url: url))
                }
                lastProblem = "HTTP \(response.status)"
                if response.status < 500 && response.status != 429 { break }
            } catch let error as HTTPError {
                if error.kind == .aborted { throw AWSError.cancelled("\(name): the request to \(url) was abandoned") }
                lastProblem = error.message
                trace("\(name): GET \(url) failed: \(error.message)")
            }
            if attempt < Self.attempts {
                if cancellation.isCancelled { throw AWSError.cancelled("\(name): \(url) was abandoned before its retry") }
                sleep(0.2 * Double(attempt))
            }
        }
        throw AWSError.credentials("\(name): \(url) gave no credentials (\(lastProblem))", code: "ContainerCredentialsFailed")
    }

    private func parse(_ body: [UInt8], url: String) throws -> AWSCredentials {
        guard let parsed = try? JSONDecoder().decode(Body.self, from: Data(body)),
            let key = parsed.AccessKeyId, let secret = parsed.SecretAccessKey
        else {
            throw AWSError.credentials(
                "\(name): \(url) answered without AccessKeyId and SecretAccessKey", code: "ContainerCredentialsFailed")
        }
        return AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: parsed.Token,
            expiration: parsed.Expiration.flatMap(UTCTime.parseISO8601), source: name)
    }

    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at every load, it rotates) wins over `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    private func authorizationToken() throws -> String? {
        var token: String?
        if let file = nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            guard let text = try? SharedConfig.readFile(file) else {
                throw AWSError.credentials(
                    "\(name): cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)", code: "ContainerCredentialsFailed")
            }
            token = text.trimmingSpacesTabsAndNewlines()
        } else {
            token = nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        }
        if let token, token.contains("\r") || token.contains("\n") {
            throw AWSError.credentials("\(name): the authorization token contains a line break", code: "ContainerCredentialsFailed")
        }
        return token
    }

    /// The SDKs allow plain HTTP only to loopback and the ECS/EKS link-local agents.
    static func checkFullURI(_ text: String) throws {
        let endpoint: Endpoint
        do { endpoint = try Endpoint(parsing: text) } catch {
            throw AWSError.credentials(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI \"\(text)\" is not an http(s) URL", code: "ContainerCredentialsFailed")
        }
        if endpoint.scheme == "https" { return }
        let host = endpoint.host.lowercased()
        let allowed =
            host == "localhost" || host == "[::1]" || host.hasPrefix("127.") || host == "169.254.170.2"
            || host == "169.254.170.23" || host == "[fd00:ec2::23]"
        if !allowed {
            throw AWSError.credentials(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to a loopback address or the ECS/EKS agent (169.254.170.2, 169.254.170.23), not \(endpoint.host)",
                code: "ContainerCredentialsFailed")
        }
    }

    private func nonEmpty(_ key: String) -> String? {
        environment[key].flatMap { $0.isEmpty ? nil : $0 }
    }
}
