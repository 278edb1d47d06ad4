import AWSSigV4
import FoundationEssentials
import System

/// The RDS IAM authentication token, as the SDKs' `generate_db_auth_token` makes it: a presigned
/// `GET https://HOST:PORT/?Action=connect&DBUser=USER` for `rds-db`, valid 15 minutes, without the scheme.
/// PostgreSQL receives it as the password.
public enum RDSAuthToken {
    public static let lifetimeSeconds = 900

    /// A pure function of its inputs, so tests can compare it with botocore's for a fixed time.
    public static func make(
        host: String, port: Int, user: String, region: String,
        credentials: AWSCredentials, at date: Date
    ) -> String {
        let signer = SigV4Signer(credentials: credentials.signing, region: region, service: "rds-db", clock: { date })
        let operation = [("Action", "connect"), ("DBUser", user)]
        // As botocore: the Host header drops the scheme's default port, the token's address never does.
        let hostHeader = port == 443 ? host : "\(host):\(port)"
        let request = SigV4Request(
            method: "GET", path: "/", query: PercentEncoding.query(operation),
            headers: [(name: "Host", value: hostHeader)])
        let signature = signer.querySignature(for: request, expiresIn: lifetimeSeconds, at: date).signature
        // The canonical query is sorted, so the order here only has to match botocore's URL, not the signature.
        var parameters =
            operation + [
                ("X-Amz-Algorithm", SigV4Signer.algorithm),
                ("X-Amz-Credential", "\(credentials.accessKeyID)/\(signer.credentialScope(at: date))"),
                ("X-Amz-Date", AMZDate.timestamp(date)),
                ("X-Amz-Expires", String(lifetimeSeconds)),
                ("X-Amz-SignedHeaders", "host"),
            ]
        if let token = credentials.sessionToken { parameters.append(("X-Amz-Security-Token", token)) }
        parameters.append(("X-Amz-Signature", signature))
        return "\(host):\(port)/?" + PercentEncoding.query(parameters)
    }
}

extension AWSClient {
    /// A token for `user` at `host:port`, signed now with the chain's credentials in the configured region.
    public func rdsAuthToken(host: String, port: Int, user: String) throws -> String {
        RDSAuthToken.make(
            host: host, port: port, user: user, region: configuration.region,
            credentials: try credentials(), at: configuration.clock.now())
    }
}
