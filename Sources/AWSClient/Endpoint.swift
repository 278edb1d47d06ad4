import HTTP
import System

/// A parsed `http(s)://host[:port][/path]` endpoint URL.
struct Endpoint: Sendable, Equatable {
    var scheme: String
    /// Host as written in the URL (IPv6 literals keep their brackets).
    var host: String
    var port: Int?
    /// The path prefix without a trailing slash; empty for none.
    var basePath: String

    init(parsing text: String) throws {
        let trimmed = text.trimmingSpacesTabsAndNewlines()
        guard let schemeEnd = trimmed.firstRange(of: "://") else {
            throw AWSError.invalidSetting("endpoint URL \"\(trimmed)\" has no scheme: use http://host:port or https://host")
        }
        scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw AWSError.invalidSetting("endpoint URL \"\(trimmed)\" must start with http:// or https://")
        }
        var rest = trimmed[schemeEnd.upperBound...]
        if let q = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<q] }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var path = String(rest[authorityEnd...])
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
        if authority.hasPrefix("["), !authority.contains("]") {
            throw AWSError.invalidSetting("endpoint URL \"\(trimmed)\" has an IPv6 address without its closing ]")
        }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            port = after.hasPrefix(":") ? Int(after.dropFirst()) : nil
            if after.hasPrefix(":"), port == nil { throw AWSError.invalidSetting("endpoint URL \"\(trimmed)\" has a bad port") }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                throw AWSError.invalidSetting("endpoint URL \"\(trimmed)\" has a bad port")
            }
            port = p
        } else {
            host = String(authority)
            port = nil
        }
        guard !host.isEmpty else { throw AWSError.invalidSetting("endpoint URL \"\(trimmed)\" has no host") }
        guard !host.contains(" ") else { throw AWSError.invalidSetting("endpoint URL \"\(trimmed)\" has a space in its host") }
        // What libcurl would refuse at the first request (an unclosed IPv6 bracket, a bad character in the
        // host) is refused here, before any.
        if let problem = URLCheck.problem(with: trimmed) {
            throw AWSError.invalidSetting("endpoint URL \"\(trimmed)\" is malformed: \(problem)")
        }
    }

    /// The `Host` header value: the port only when it is not the scheme's default.
    var hostHeader: String {
        guard let port, port != (scheme == "https" ? 443 : 80) else { return host }
        return "\(host):\(port)"
    }

    /// The URL with the scheme's default port left out, without a trailing slash.
    var url: String { "\(scheme)://\(hostHeader)\(basePath)" }

    /// The full URL of `path` (which starts with `/`) under this endpoint.
    func url(path: String) -> String { url + path }
}
