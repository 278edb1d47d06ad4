import FoundationEssentials
import Hashing
import System

/// The token files `aws sso login` leaves in `~/.aws/sso/cache`: `<sha1 hex>.json`, of the session name
/// for the `sso_session` form and of the start URL for the legacy form (botocore's SSOTokenLoader).
struct SSOTokenCache {
    let directory: String

    /// One cache file's fields. Never printed: it holds the access and refresh tokens and the client secret.
    struct Token: Codable {
        var startUrl: String?
        var region: String?
        var accessToken: String?
        var expiresAt: String?
        var clientId: String?
        var clientSecret: String?
        var registrationExpiresAt: String?
        var refreshToken: String?
    }

    init(home: String?) throws {
        guard let dir = SharedConfig.expand("~/.aws/sso/cache", home: home) else {
            throw AWSError.credentials("HOME is not set, so there is no SSO token cache (~/.aws/sso/cache)", code: "InvalidProfile")
        }
        directory = dir
    }

    func path(for profile: SSOProfile) -> String {
        directory + "/" + SHA1.hash(profile.sessionName ?? profile.startURL).hex + ".json"
    }

    /// The cached token, or nil when there is no file.
    func load(for profile: SSOProfile) throws -> Token? {
        let file = path(for: profile)
        guard let text = try SharedConfig.readFile(file) else { return nil }
        // Never quote the file in errors: it holds tokens.
        guard let token = try? JSONDecoder().decode(Token.self, from: Data(text.utf8)) else {
            throw AWSError.credentials(
                "the SSO token cache file \(file) is not a JSON object; run `\(profile.loginCommand)`", code: "InvalidSSOToken")
        }
        return token
    }

    /// Replaces the file atomically (a temporary file in the same directory, then rename) with the
    /// permissions the old one had, so a reader never sees half a token and the file stays private.
    func save(_ token: Token, for profile: SSOProfile) throws {
        let file = path(for: profile)
        let bytes = Array(try JSONEncoder().encode(token))
        do {
            try FileBytes.replace(file, with: bytes, newMode: 0o600)
        } catch FileBytes.Failure.unwritable(let reason) {
            throw AWSError.credentials("cannot write the refreshed SSO token to \(file): \(reason)", code: "SSOTokenCacheWriteFailed")
        }
    }
}
