extension AWSConfiguration {
    /// This configuration for a resource in another region (a log group's `awslogs-region`): the same
    /// profile, endpoint overrides, retries, clock and credential chain (so credentials are resolved
    /// once), with the region's own default endpoints and signing region.
    public func inRegion(_ other: String) -> AWSConfiguration {
        var copy = self
        copy.region = other
        return copy
    }

    /// Whether `service` is reached at AWS itself (`*.amazonaws.com`, `*.amazonaws.com.cn`), not at an
    /// override such as an emulator: AWS's consoles then show what was sent there.
    public func usesAWSEndpoint(for service: AWSService) -> Bool {
        let host = resolvedEndpoint(for: service).endpoint.host
        return host.hasSuffix(".amazonaws.com") || host.hasSuffix(".amazonaws.com.cn")
    }
}
