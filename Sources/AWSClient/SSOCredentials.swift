import AWSSigV4
import FoundationEssentials
import HTTP
import System

/// IAM Identity Center (SSO) role credentials, as botocore's SSOProvider gets them: the access token from
/// the `aws sso login` cache, refreshed through SSO-OIDC CreateToken for the `sso_session` form when it
/// has under 15 minutes left, then the portal's GetRoleCredentials (unsigned, the token in a header).
/// Each load starts from the cache file again, so the chain's refresh of expiring role credentials
/// also picks up a token another `aws sso login` wrote meanwhile.
final class SSOCredentials: CredentialProvider {
    /// botocore's SSOTokenProvider refreshes inside this window.
    static let tokenRefreshWindow: Double = 15 * 60

    let name: String
    private let profile: SSOProfile
    private let cache: SSOTokenCache
    private let configuration: AWSConfiguration
    private var http: HTTPClient?

    init(profile: SSOProfile, configuration: AWSConfiguration) throws {
        self.profile = profile
        name = "profile \"\(profile.profileName)\" (IAM Identity Center)"
        cache = try SSOTokenCache(home: configuration.environment["HOME"])
        self.configuration = configuration
    }

    private var trace: DebugTrace { configuration.trace }

    func load(cancellation: Cancellation) throws -> CredentialLookup {
        let accessToken = try currentAccessToken(cancellation: cancellation)
        let endpoint = configuration.resolvedEndpoint(for: .sso, region: profile.region).endpoint
        let url =
            endpoint.url(path: "/federation/credentials") + "?role_name=" + PercentEncoding.encode(profile.roleName)
            + "&account_id=" + PercentEncoding.encode(profile.accountID)
        let response = try send(
            HTTPRequest(method: "GET", url: url, headers: [(name: "x-amz-sso_bearer_token", value: accessToken)]),
            cancellation: cancellation)
        // The answer holds the secret: trace the status only.
        trace(
            "SSO GetRoleCredentials \(profile.roleName) in \(profile.accountID): GET \(endpoint.url)/federation/credentials -> \(response.status)"
        )
        if response.status == 401 {
            throw expired("the portal refused the SSO token")
        }
        guard response.status == 200 else {
            throw AWSError.credentials(
                "\(name): GetRoleCredentials for role \(profile.roleName) in account \(profile.accountID) failed with HTTP \(response.status)\(errorType(response))",
                code: "SSOGetRoleCredentialsFailed")
        }
        struct Body: Decodable {
            struct Role: Decodable {
                var accessKeyId: String?
                var secretAccessKey: String?
                var sessionToken: String?
                var expiration: Double?
            }
            var roleCredentials: Role?
        }
        guard let role = (try? JSONDecoder().decode(Body.self, from: Data(response.body)))?.roleCredentials,
            let key = role.accessKeyId, let secret = role.secretAccessKey
        else {
            throw AWSError.credentials("\(name): GetRoleCredentials answered without role credentials", code: "SSOGetRoleCredentialsFailed")
        }
        // The portal gives the expiration in epoch milliseconds.
        return .found(
            AWSCredentials(
                accessKeyID: key, secretAccessKey: secret, sessionToken: role.sessionToken,
                expiration: role.expiration.map { Date(timeIntervalSince1970: $0 / 1000) },
                source: "\(name), role \(profile.roleName) in \(profile.accountID)"))
    }

    /// The cached token, refreshed first when botocore would; throws the login hint when there is none.
    private func currentAccessToken(cancellation: Cancellation) throws -> String {
        let file = cache.path(for: profile)
        guard var token = try cache.load(for: profile) else {
            throw missing("there is no SSO token (\(file) does not exist)")
        }
        guard let access = token.accessToken, let expiresText = token.expiresAt else {
            throw missing("the SSO token cache \(file) has no accessToken or expiresAt")
        }
        guard var expiresAt = Self.parseTime(expiresText) else {
            throw missing("the SSO token cache \(file) has an expiresAt that is not a time")
        }
        var accessToken = access
        let now = configuration.clock.now()
        let remaining = expiresAt.timeIntervalSince(now)
        trace(
            "SSO token \(profile.sessionName.map { "of session \"\($0)\"" } ?? "of \(profile.startURL)") from \(file), expires in \(Int(remaining)) s"
        )
        if profile.sessionName != nil, remaining < Self.tokenRefreshWindow,
            let refreshed = try refresh(token, now: now, cancellation: cancellation)
        {
            token = refreshed
            accessToken = refreshed.accessToken ?? access
            expiresAt = refreshed.expiresAt.flatMap(Self.parseTime) ?? expiresAt
            try cache.save(refreshed, for: profile)
            trace("SSO token refreshed through SSO-OIDC CreateToken and written back to \(file)")
        }
        if expiresAt.timeIntervalSince(now) <= 0 {
            throw expired("the SSO token expired at \(UTCTime(expiresAt).iso8601)")
        }
        return accessToken
    }

    /// CreateToken with the refresh token, when the cache holds a registration that is still valid.
    /// nil when it cannot or did not work, as in botocore: the old token is then used while it lasts.
    private func refresh(_ token: SSOTokenCache.Token, now: Date, cancellation: Cancellation) throws -> SSOTokenCache.Token? {
        guard let refreshToken = token.refreshToken, let clientID = token.clientId, let clientSecret = token.clientSecret,
            let registrationText = token.registrationExpiresAt
        else {
            trace("SSO token cannot be refreshed: the cache holds no refreshToken, clientId, clientSecret or registrationExpiresAt")
            return nil
        }
        guard let registrationExpiry = Self.parseTime(registrationText), registrationExpiry > now else {
            trace("SSO token cannot be refreshed: the client registration has expired")
            return nil
        }
        struct Input: Encodable {
            var clientId: String
            var clientSecret: String
            var grantType = "refresh_token"
            var refreshToken: String
        }
        struct Output: Decodable {
            var accessToken: String?
            var expiresIn: Double?
            var refreshToken: String?
        }
        let endpoint = configuration.resolvedEndpoint(for: .ssoOIDC, region: profile.region).endpoint
        let body = Array(try JSONEncoder().encode(Input(clientId: clientID, clientSecret: clientSecret, refreshToken: refreshToken)))
        let response: HTTPResponse
        do {
            response = try send(
                HTTPRequest(
                    method: "POST", url: endpoint.url(path: "/token"),
                    headers: [(name: "Content-Type", value: "application/json")], body: body),
                cancellation: cancellation)
        } catch let error as AWSError where error.kind != .cancelled {
            trace("SSO-OIDC CreateToken failed: \(error.code)")
            return nil
        }
        trace("SSO-OIDC CreateToken: POST \(endpoint.url)/token -> \(response.status)")
        guard response.status == 200, let output = try? JSONDecoder().decode(Output.self, from: Data(response.body)),
            let newAccess = output.accessToken, let expiresIn = output.expiresIn
        else { return nil }
        return SSOTokenCache.Token(
            startUrl: profile.startURL, region: profile.region, accessToken: newAccess,
            expiresAt: UTCTime(now.addingTimeInterval(expiresIn)).iso8601, clientId: clientID,
            clientSecret: clientSecret, registrationExpiresAt: registrationText,
            refreshToken: output.refreshToken ?? refreshToken)
    }

    private func send(_ request: HTTPRequest, cancellation: Cancellation) throws -> HTTPResponse {
        if http == nil {
            do { http = try HTTPClient(configuration: configuration.httpConfiguration) } catch {
                throw AWSError.credentials("cannot start libcurl for \(name)")
            }
        }
        do {
            return try http!.send(request, cancellation: cancellation)
        } catch let error as HTTPError {
            if error.kind == .aborted { throw AWSError.cancelled("\(name): the request to \(request.url) was abandoned") }
            throw AWSError(kind: .transport, code: "NetworkError", message: "\(name): \(error.message)")
        }
    }

    private func errorType(_ response: HTTPResponse) -> String {
        response.header("x-amzn-ErrorType").map { " (\($0.split(separator: ":").first.map(String.init) ?? $0))" } ?? ""
    }

    private func missing(_ why: String) -> AWSError {
        AWSError.credentials("\(name): \(why); run `\(profile.loginCommand)`", code: "SSOTokenMissing")
    }

    private func expired(_ why: String) -> AWSError {
        AWSError.credentials("\(name): \(why); run `\(profile.loginCommand)`", code: "SSOTokenExpired")
    }

    /// `2026-12-01T10:00:00Z`, with fractions or an offset, or the older CLI's `...UTC`.
    static func parseTime(_ text: String) -> Date? {
        let trimmed = text.trimmingSpacesTabsAndNewlines()
        return UTCTime.parseISO8601(trimmed.hasSuffix("UTC") ? String(trimmed.dropLast(3)) + "Z" : trimmed)
    }
}
