@testable import AWSClient
import Foundation
import Synchronization

/// The portal and SSO-OIDC, answering only the exact requests botocore makes. The test sets what it
/// issues while the server's threads read it, so that lives behind a `Mutex`.
final class FakeIdentityCenter: Sendable {
    private let issued: Issued
    let server: LoopbackServer

    var issuedExpirationMillis: Double {
        get { issued.state.withLock { $0.expirationMillis } }
        set { issued.state.withLock { $0.expirationMillis = newValue } }
    }
    var accessToken: String {
        get { issued.state.withLock { $0.token } }
        set { issued.state.withLock { $0.token = newValue } }
    }
    var issuedKey: String {
        get { issued.state.withLock { $0.key } }
        set { issued.state.withLock { $0.key = newValue } }
    }
    var issuedSecret: String {
        get { issued.state.withLock { $0.secret } }
        set { issued.state.withLock { $0.secret = newValue } }
    }
    var issuedSessionToken: String {
        get { issued.state.withLock { $0.sessionToken } }
        set { issued.state.withLock { $0.sessionToken = newValue } }
    }

    init() throws {
        let issued = Issued()
        self.issued = issued
        server = try LoopbackServer { request in issued.answer(request) }
    }
}

/// What the fake identity center issues, and its answers.
private final class Issued: Sendable {
    struct State {
        var token = ""
        var key = "ASIASSOFAKE000000001"
        var secret = "sso-role-secret-\(UUID().uuidString)"
        var sessionToken = "sso-role-session-token-\(UUID().uuidString)"
        var expirationMillis: Double = (Date().timeIntervalSince1970 + 3600).rounded(.down) * 1000
    }
    let state = Mutex(State())

    func answer(_ request: LoopbackServer.Request) -> LoopbackServer.Reply {
        if request.method == "POST", request.path == "/token" {
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: String]
            guard
                body == [
                    "grantType": "refresh_token", "clientId": "client-id-123", "clientSecret": "client-secret-456",
                    "refreshToken": "refresh-789",
                ]
            else {
                return .json(400, #"{"error":"invalid_grant"}"#)
            }
            return .json(200, #"{"accessToken":"access-new","tokenType":"Bearer","expiresIn":28800,"refreshToken":"refresh-rotated"}"#)
        }
        if request.method == "GET", request.path.hasPrefix("/federation/credentials?") {
            guard request.header("x-amz-sso_bearer_token") == state.withLock({ $0.token }), request.header("Authorization") == nil else {
                return .respond(
                    status: 401, headers: [(name: "x-amzn-ErrorType", value: "UnauthorizedException")],
                    body: Array(#"{"message":"Session token not found or invalid"}"#.utf8))
            }
            let now = state.withLock { $0 }
            return .json(
                200,
                #"{"roleCredentials":{"accessKeyId":"\#(now.key)","secretAccessKey":"\#(now.secret)","sessionToken":"\#(now.sessionToken)","expiration":\#(Int64(now.expirationMillis))}}"#
            )
        }
        return .json(404, #"{"message":"no such route"}"#)
    }
}
