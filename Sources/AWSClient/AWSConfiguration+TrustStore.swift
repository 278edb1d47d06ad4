import HTTP

extension AWSConfiguration {
    /// The CA certificates for AWS's HTTPS endpoints: `AWS_CA_BUNDLE` or the profile's `ca_bundle`, as the
    /// SDKs read them, else the system's store found as `TrustStore.locate` finds it (`SSL_CERT_FILE`,
    /// `SSL_CERT_DIR`, the distributions' bundle paths).
    static func trustStore(environment: [String: String], profile: [String: String]) -> TrustStore {
        let configured = (environment["AWS_CA_BUNDLE"] ?? profile["ca_bundle"]).flatMap { $0.isEmpty ? nil : $0 }
        let bundle = configured.map { SharedConfig.expand($0, home: environment["HOME"]) ?? $0 }
        return TrustStore.locate(environment: environment, explicitBundle: bundle)
    }
}
