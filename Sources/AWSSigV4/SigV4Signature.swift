/// Every stage of one signing, named as in the SigV4 specification.
public struct SigV4Signature: Sendable {
    public var canonicalRequest: String
    public var stringToSign: String
    /// Lower-case hex HMAC of the string to sign.
    public var signature: String
    /// The request with the signing headers (header signing) or query parameters (presigning) added.
    public var signedRequest: SigV4Request
}
