import FoundationEssentials
import Hashing
import System

/// Signs requests with AWS Signature Version 4, by header or by query (presigned URL).
///
/// A value: the credentials, scope, options and clock it signs with are all plain properties,
/// so tests inject a fixed clock and callers correct for clock skew by wrapping theirs.
public struct SigV4Signer: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"

    public var credentials: SigV4Credentials
    public var region: String
    /// The signing name, e.g. `ecs`, `logs`, `sts`, `rds-db`.
    public var service: String
    /// Removes `.`/`..` segments and duplicate slashes before signing; off for S3-style object keys.
    public var normalizePath: Bool
    /// Header signing adds and signs `x-amz-content-sha256` (S3 wants it; most services ignore it).
    public var addsContentSHA256Header: Bool
    /// When false the session token is attached after signing instead of signed (a few services want that).
    public var signsSessionToken: Bool
    public var clock: @Sendable () -> Date

    public init(
        credentials: SigV4Credentials, region: String, service: String,
        normalizePath: Bool = true, addsContentSHA256Header: Bool = false, signsSessionToken: Bool = true,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.normalizePath = normalizePath
        self.addsContentSHA256Header = addsContentSHA256Header
        self.signsSessionToken = signsSessionToken
        self.clock = clock
    }

    /// Adds `X-Amz-Date`, the session token, optionally `x-amz-content-sha256`, and `Authorization`.
    /// Any of those already present are replaced, so a request can be signed again for a retry.
    public func sign(_ request: SigV4Request) -> SigV4Request {
        headerSignature(for: request, at: clock()).signedRequest
    }

    /// Adds the signing query parameters, making a URL valid for `expiresIn` seconds without headers.
    public func presign(_ request: SigV4Request, expiresIn: Int) -> SigV4Request {
        querySignature(for: request, expiresIn: expiresIn, at: clock()).signedRequest
    }

    // MARK: Stages

    public func headerSignature(for request: SigV4Request, at date: Date) -> SigV4Signature {
        let timestamp = AMZDate.timestamp(date)
        let bodyHash = request.payloadHash ?? SHA256.hash(request.body).hex
        let replaced: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]
        var prepared = request
        prepared.headers.removeAll { replaced.contains($0.name.lowercased()) }
        if let token = credentials.sessionToken {
            prepared.headers.append((name: "X-Amz-Security-Token", value: token))
        }
        prepared.headers.append((name: "X-Amz-Date", value: timestamp))
        if addsContentSHA256Header {
            prepared.headers.append((name: "x-amz-content-sha256", value: bodyHash))
        }

        // A token attached after signing still travels in the same place, it is only left out of the signature.
        let (headerBlock, signedHeaders) = canonicalHeaders(
            signsSessionToken
                ? prepared.headers
                : prepared.headers.filter { $0.name.lowercased() != "x-amz-security-token" })
        let canonical = canonicalRequest(
            prepared, query: canonicalQuery(prepared.query),
            headerBlock: headerBlock, signedHeaders: signedHeaders, payloadHash: bodyHash)
        let toSign = stringToSign(canonicalRequest: canonical, at: date)
        let signature = self.signature(stringToSign: toSign, at: date)
        prepared.headers.append(
            (
                name: "Authorization",
                value:
                    "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(credentialScope(at: date)), SignedHeaders=\(signedHeaders), Signature=\(signature)"
            ))
        return SigV4Signature(canonicalRequest: canonical, stringToSign: toSign, signature: signature, signedRequest: prepared)
    }

    public func querySignature(for request: SigV4Request, expiresIn: Int, at date: Date) -> SigV4Signature {
        let bodyHash = request.payloadHash ?? SHA256.hash(request.body).hex
        let (headerBlock, signedHeaders) = canonicalHeaders(request.headers)
        var parameters: [(String, String)] = [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(credentialScope(at: date))"),
            ("X-Amz-Date", AMZDate.timestamp(date)),
            ("X-Amz-SignedHeaders", signedHeaders),
            ("X-Amz-Expires", String(expiresIn)),
        ]
        if let token = credentials.sessionToken, signsSessionToken {
            parameters.append(("X-Amz-Security-Token", token))
        }
        var prepared = request
        prepared.query = Self.appending(parameters, to: request.query)
        let canonical = canonicalRequest(
            prepared, query: canonicalQuery(prepared.query),
            headerBlock: headerBlock, signedHeaders: signedHeaders, payloadHash: bodyHash)
        let toSign = stringToSign(canonicalRequest: canonical, at: date)
        let signature = self.signature(stringToSign: toSign, at: date)
        // As the SDKs presign for such services: the unsigned token goes just before the signature.
        var trailing: [(String, String)] = []
        if let token = credentials.sessionToken, !signsSessionToken {
            trailing.append(("X-Amz-Security-Token", token))
        }
        trailing.append(("X-Amz-Signature", signature))
        prepared.query = Self.appending(trailing, to: prepared.query)
        return SigV4Signature(canonicalRequest: canonical, stringToSign: toSign, signature: signature, signedRequest: prepared)
    }

    /// `yyyymmdd/region/service/aws4_request`
    public func credentialScope(at date: Date) -> String {
        "\(AMZDate.day(date))/\(region)/\(service)/aws4_request"
    }

    public func stringToSign(canonicalRequest: String, at date: Date) -> String {
        [Self.algorithm, AMZDate.timestamp(date), credentialScope(at: date), SHA256.hash(canonicalRequest).hex]
            .joined(separator: "\n")
    }

    public func signature(stringToSign: String, at date: Date) -> String {
        HMACSHA256.authenticate(stringToSign, key: signingKey(at: date)).hex
    }

    func signingKey(at date: Date) -> [UInt8] {
        let kDate = HMACSHA256.authenticate(AMZDate.day(date), key: Array(("AWS4" + credentials.secretAccessKey).utf8))
        let kRegion = HMACSHA256.authenticate(region, key: kDate)
        let kService = HMACSHA256.authenticate(service, key: kRegion)
        return HMACSHA256.authenticate("aws4_request", key: kService)
    }

    // MARK: Canonical request

    private func canonicalRequest(
        _ request: SigV4Request, query: String, headerBlock: String,
        signedHeaders: String, payloadHash: String
    ) -> String {
        let path = normalizePath ? URIEncoding.normalizePath(request.path) : (request.path.isEmpty ? "/" : request.path)
        return [
            request.method.uppercased(), PercentEncoding.encode(path, keepSlash: true), query,
            headerBlock, signedHeaders, payloadHash,
        ].joined(separator: "\n")
    }

    /// Headers that proxies and clients change in flight, so signing them would break the signature.
    private static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "connection", "transfer-encoding",
    ]

    /// The `name:value` lines (each ending in a newline) and the `;`-joined signed header names.
    func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (block: String, signed: String) {
        var values: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased()
            if Self.unsignedHeaders.contains(name) { continue }
            values[name, default: []].append(Self.trimmed(header.value))
        }
        let names = values.keys.sorted()
        let block = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    /// Decodes each parameter, re-encodes it strictly, and sorts by name, then value.
    func canonicalQuery(_ raw: String) -> String {
        var pairs: [(String, String)] = []
        for piece in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let eq = piece.firstIndex(of: "=") {
                name = piece[..<eq]
                value = piece[piece.index(after: eq)...]
            } else {
                name = piece
                value = ""
            }
            pairs.append(
                (
                    PercentEncoding.encode(PercentEncoding.decode(String(name))),
                    PercentEncoding.encode(PercentEncoding.decode(String(value)))
                ))
        }
        pairs.sort {
            $0.0 != $1.0
                ? Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8))
                : Array($0.1.utf8).lexicographicallyPrecedes(Array($1.1.utf8))
        }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Trims the value and collapses runs of whitespace, line folds included, into one space,
    /// as the canonical form requires.
    static func trimmed(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for c in value {
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(c)
            }
        }
        return out
    }

    private static func appending(_ parameters: [(String, String)], to query: String) -> String {
        let encoded = PercentEncoding.query(parameters)
        return query.isEmpty ? encoded : query + "&" + encoded
    }
}
