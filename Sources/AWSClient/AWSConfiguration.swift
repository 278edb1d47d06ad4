import FoundationEssentials
import HTTP
import System

/// Region, endpoints, credentials and retry settings, resolved the way the AWS CLI and SDKs do.
/// Reads only the `environment` it is given (and the shared files it names), never the process's.
public struct AWSConfiguration {
    public internal(set) var region: String
    /// The profile whose settings apply (`--profile`, `AWS_PROFILE`, or `default`).
    public private(set) var profileName: String

    let environment: [String: String]
    let shared: SharedConfig
    let profile: [String: String]
    let explicitEndpoint: Endpoint?
    /// `AWS_ENDPOINT_URL` and every `AWS_ENDPOINT_URL_<SERVICE>`, by suffix ("" for the global one).
    let environmentEndpoints: [String: Endpoint]
    let profileEndpoint: Endpoint?
    /// `[services name]` endpoints by lower-cased service key.
    let profileServiceEndpoints: [String: Endpoint]
    let ignoresConfiguredEndpoints: Bool
    let usesFIPSEndpoints: Bool

    var retry: RetryPolicy
    var httpConfiguration: HTTPClient.Configuration
    /// Shared by the client and the credential chain, so a skew correction applies to both.
    let clock: AWSClock
    let trace: DebugTrace
    var credentialChain: CredentialChain

    /// Why `value` cannot be a region name, in a phrase that can follow an option's name; nil when it can be.
    /// For the programs' own option checks, so a bad `--region` is a usage error before anything is sent.
    public static func problem(withRegion value: String) -> String? {
        let trimmed = value.trimmingSpacesTabsAndNewlines()
        let valid = !trimmed.isEmpty && trimmed.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        return valid ? nil : "\"\(trimmed)\" is not a valid region name like us-east-1"
    }

    /// Why `value` cannot be an endpoint URL (`http(s)://host[:port][/path]`); nil when it can be.
    public static func problem(withEndpointURL value: String) -> String? {
        do {
            _ = try Endpoint(parsing: value)
            return nil
        } catch let error as AWSError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    // Long because it is the SDKs' order of precedence read top to bottom (profile, region, endpoints, CA
    // bundle, retries, credentials), each step using the ones before it.
    public static func resolve(
        environment: [String: String], profile: String? = nil, region: String? = nil,
        endpointURL: String? = nil, debug: ((String) -> Void)? = nil
    ) throws -> AWSConfiguration {
        let trace = DebugTrace(sink: debug)
        let clock = AWSClock()
        let shared = try SharedConfig.load(environment: environment, trace: trace)

        let explicitProfile = profile.flatMap { $0.isEmpty ? nil : $0 }
        let envProfile = (environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"]).flatMap { $0.isEmpty ? nil : $0 }
        let profileName = explicitProfile ?? envProfile ?? "default"
        let profileSettings = shared.profiles[profileName]
        if profileSettings == nil, explicitProfile != nil || envProfile != nil {
            let files = [shared.configPath, shared.credentialsPath].compactMap { $0 }.joined(separator: " or ")
            let from = explicitProfile != nil ? "--profile" : (environment["AWS_PROFILE"] != nil ? "AWS_PROFILE" : "AWS_DEFAULT_PROFILE")
            throw AWSError.configuration(
                "the profile \"\(profileName)\" (from \(from)) was not found in \(files.isEmpty ? "the shared AWS files (HOME is not set)" : files)"
            )
        }
        let settings = profileSettings ?? [:]
        trace("profile \"\(profileName)\"\(profileSettings == nil ? " (not in the shared files)" : "")")

        let regionSources: [(String, String?)] = [
            ("--region", region), ("AWS_REGION", environment["AWS_REGION"]),
            ("AWS_DEFAULT_REGION", environment["AWS_DEFAULT_REGION"]), ("profile \"\(profileName)\"", settings["region"]),
        ]
        guard let (regionSource, regionValue) = regionSources.first(where: { $0.1.map { !$0.isEmpty } ?? false }).map({ ($0.0, $0.1!) })
        else {
            throw AWSError(
                kind: .configuration, code: AWSError.noRegionCode,
                message:
                    "no AWS region: pass --region, set AWS_REGION (or AWS_DEFAULT_REGION), or add `region = ...` to profile \"\(profileName)\""
            )
        }
        let chosenRegion = regionValue.trimmingSpacesTabsAndNewlines()
        if problem(withRegion: chosenRegion) != nil {
            throw AWSError.invalidSetting("the region \"\(chosenRegion)\" (from \(regionSource)) is not a valid region name like us-east-1")
        }
        trace("region \(chosenRegion) from \(regionSource)")

        let explicitEndpoint = try endpointURL.flatMap { $0.isEmpty ? nil : $0 }.map { try Endpoint(parsing: $0) }
        var environmentEndpoints: [String: Endpoint] = [:]
        for (key, value) in environment where key == "AWS_ENDPOINT_URL" || key.hasPrefix("AWS_ENDPOINT_URL_") {
            guard !value.isEmpty else { continue }
            let suffix = key == "AWS_ENDPOINT_URL" ? "" : String(key.dropFirst("AWS_ENDPOINT_URL_".count))
            do {
                environmentEndpoints[suffix] = try Endpoint(parsing: value)
            } catch let error as AWSError {
                // A bad setting for a service this tool never calls must not stop it.
                guard Self.calledServiceSuffixes.contains(suffix) else { continue }
                throw AWSError.invalidSetting("\(key): \(error.message)")
            }
        }
        let profileEndpoint = try settings["endpoint_url"].map { value in
            do { return try Endpoint(parsing: value) } catch let error as AWSError {
                throw AWSError.invalidSetting("endpoint_url in profile \"\(profileName)\": \(error.message)")
            }
        }
        var serviceEndpoints: [String: Endpoint] = [:]
        if let servicesName = settings["services"], let section = shared.services[servicesName] {
            for (service, values) in section {
                guard let url = values["endpoint_url"] else { continue }
                do { serviceEndpoints[service] = try Endpoint(parsing: url) } catch let error as AWSError {
                    throw AWSError.invalidSetting("endpoint_url for \(service) in [services \(servicesName)]: \(error.message)")
                }
            }
        }

        var http = HTTPClient.Configuration()
        http.trustStore = trustStore(environment: environment, profile: settings)
        let retry = try RetryPolicy.resolve(environment: environment, profile: settings)
        trace("retry mode \(retry.mode.rawValue), at most \(retry.maxAttempts) attempts")

        let chain = CredentialChain(providers: [], clock: clock, trace: trace)
        var configuration = AWSConfiguration(
            region: chosenRegion, profileName: profileName, environment: environment, shared: shared, profile: settings,
            explicitEndpoint: explicitEndpoint, environmentEndpoints: environmentEndpoints, profileEndpoint: profileEndpoint,
            profileServiceEndpoints: serviceEndpoints,
            ignoresConfiguredEndpoints: isTrue(
                environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] ?? settings["ignore_configured_endpoint_urls"]),
            usesFIPSEndpoints: isTrue(environment["AWS_USE_FIPS_ENDPOINT"] ?? settings["use_fips_endpoint"]),
            retry: retry, httpConfiguration: http, clock: clock, trace: trace, credentialChain: chain)
        configuration.credentialChain = CredentialChain(
            providers: CredentialSources.providers(for: configuration, explicitProfile: explicitProfile != nil),
            clock: clock, trace: trace)
        return configuration
    }

    /// The endpoint URL for `service`, e.g. `https://ecs.us-east-1.amazonaws.com` or the configured override.
    public func endpoint(for service: AWSService) -> String {
        resolvedEndpoint(for: service).endpoint.url
    }

    /// In order: `--endpoint-url`, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's
    /// `[services]` entry, the profile's `endpoint_url`, then the region's default host.
    /// `region` replaces the configured one for the default host (SSO calls go to the SSO region).
    func resolvedEndpoint(for service: AWSService, region: String? = nil) -> (endpoint: Endpoint, source: String) {
        let region = region ?? self.region
        if let explicitEndpoint { return (explicitEndpoint, "--endpoint-url") }
        if !ignoresConfiguredEndpoints {
            if let e = environmentEndpoints[service.environmentSuffix] { return (e, "AWS_ENDPOINT_URL_\(service.environmentSuffix)") }
            if let e = environmentEndpoints[""] { return (e, "AWS_ENDPOINT_URL") }
            if let e = profileServiceEndpoints[service.environmentSuffix.lowercased()] { return (e, "profile \"\(profileName)\" services") }
            if let e = profileEndpoint { return (e, "profile \"\(profileName)\" endpoint_url") }
        }
        let label = usesFIPSEndpoints ? service.endpointPrefix + "-fips" : service.endpointPrefix
        let host = "\(label).\(region).\(Self.dnsSuffix(region: region))"
        // A valid region and prefix always make a valid host.
        return (try! Endpoint(parsing: "https://" + host), "default for \(region)")
    }

    /// The partition's DNS suffix: aws, aws-cn, aws-us-gov (same as aws), aws-iso, aws-iso-b.
    static func dnsSuffix(region: String) -> String {
        if region.hasPrefix("cn-") { return "amazonaws.com.cn" }
        if region.hasPrefix("us-isob-") { return "sc2s.sgov.gov" }
        if region.hasPrefix("us-iso-") { return "c2s.ic.gov" }
        return "amazonaws.com"
    }

    /// "" is `AWS_ENDPOINT_URL` itself.
    static let calledServiceSuffixes: Set<String> = [
        "", AWSService.ecs.environmentSuffix, AWSService.logs.environmentSuffix,
        AWSService.sts.environmentSuffix, AWSService.sso.environmentSuffix,
        AWSService.ssoOIDC.environmentSuffix,
    ]

    static func isTrue(_ value: String?) -> Bool {
        value?.trimmingSpacesTabsAndNewlines().lowercased() == "true"
    }
}
