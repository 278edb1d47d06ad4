/// An HTTP request as the signer sees it: the path and query exactly as they go on the wire.
public struct SigV4Request: Sendable {
    public var method: String
    /// The path as sent, e.g. `/` or `/my%20key`. It must not contain the query.
    public var path: String
    /// The raw query without `?`, as sent; empty for none.
    public var query: String
    /// Header order is kept; the signer appends its own headers at the end.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Overrides the SHA-256 of `body` in the canonical request, e.g. `UNSIGNED-PAYLOAD`.
    public var payloadHash: String?

    public init(
        method: String, path: String = "/", query: String = "",
        headers: [(name: String, value: String)] = [], body: [UInt8] = [], payloadHash: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.payloadHash = payloadHash
    }

    /// The request target of the HTTP request line: path, and `?query` when there is one.
    public var target: String { query.isEmpty ? path : path + "?" + query }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
