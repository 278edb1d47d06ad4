internal import CCurl

/// A transfer that produced no HTTP response. Carries curl's own message.
public struct HTTPError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// The name did not resolve, or the connection was refused or reset.
        case connection
        /// The connect or total timeout was reached.
        case timeout
        /// TLS handshake or certificate verification failed.
        case tls
        /// Ended on purpose while in flight: its `Cancellation` turned true.
        case aborted
        /// A bad URL or option; retrying will not help.
        case usage
        case other
    }

    public let kind: Kind
    /// curl's CURLcode.
    public let code: Int
    public let message: String
    public let url: String

    public var description: String { "HTTP request to \(url) failed: \(message) (curl error \(code))" }

    /// Whether the same request could succeed when tried again.
    public var isTransient: Bool { kind == .connection || kind == .timeout }

    init(code: CURLcode, detail: String, url: String) {
        self.code = Int(code.rawValue)
        let summary = String(cString: curl_easy_strerror(code))
        message = detail.isEmpty ? summary : detail
        self.url = HTTPError.withoutCredentials(url)
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
            CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            kind = .connection
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER:
            kind = .tls
        case CURLE_ABORTED_BY_CALLBACK:
            kind = .aborted
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION:
            kind = .usage
        default:
            kind = .other
        }
    }

    /// An HTTPS request that was not sent because no CA certificates were found to verify the server with.
    init(noTrustFor url: String, message: String) {
        code = Int(CURLE_SSL_CACERT_BADFILE.rawValue)
        self.message = message
        self.url = HTTPError.withoutCredentials(url)
        kind = .tls
    }

    /// Drops any `user:password@` part, so the error is safe to print.
    static func withoutCredentials(_ url: String) -> String {
        let chars = Array(url)
        var start = 0
        while start + 2 < chars.count, !(chars[start] == ":" && chars[start + 1] == "/" && chars[start + 2] == "/") { start += 1 }
        guard start + 2 < chars.count else { return url }
        start += 3
        var end = start
        while end < chars.count, chars[end] != "/", chars[end] != "?", chars[end] != "#" { end += 1 }
        guard let at = chars[start..<end].lastIndex(of: "@") else { return url }
        return String(chars[..<start]) + "***@" + String(chars[(at + 1)...])
    }
}
