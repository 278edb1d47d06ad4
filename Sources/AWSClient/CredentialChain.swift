import FoundationEssentials
import System

/// Tries the providers in order, keeps the first that has credentials, and refreshes from that
/// same provider before temporary credentials expire (a long wait can outlive a one-hour session).
final class CredentialChain {
    /// Refresh when fewer than this many seconds remain.
    static let refreshWindow: Double = 10 * 60

    private let providers: [CredentialProvider]
    private let clock: AWSClock
    private let trace: DebugTrace
    private var selected: CredentialProvider?
    private var cached: AWSCredentials?

    init(providers: [CredentialProvider], clock: AWSClock, trace: DebugTrace) {
        self.providers = providers
        self.clock = clock
        self.trace = trace
    }

    /// Valid credentials, loading or refreshing them when needed.
    /// A request that `cancellation` abandons fails with a `.cancelled` error, as the call that needed the
    /// credentials would; still-valid cached credentials are kept then.
    func credentials(cancellation: Cancellation = .never) throws -> AWSCredentials {
        let now = clock.now()
        if let cached {
            guard let expiration = cached.expiration, expiration.timeIntervalSince(now) < Self.refreshWindow else {
                return cached
            }
            if let provider = selected {
                trace("credentials from \(cached.source) expire in \(Int(expiration.timeIntervalSince(now))) s; refreshing")
                do {
                    if case .found(let fresh) = try provider.load(cancellation: cancellation) {
                        self.cached = fresh
                        return fresh
                    }
                } catch {
                    // Still valid: keep them and try again on the next call.
                    if expiration > now {
                        trace("refreshing credentials failed (\(Self.safeSummary(error))); the current ones are still valid")
                        return cached
                    }
                    throw error
                }
            }
        }
        var tried: [String] = []
        for provider in providers {
            trace("credentials: trying \(provider.name)")
            switch try provider.load(cancellation: cancellation) {
            case .found(let credentials):
                trace(
                    "credentials: using \(credentials.source)\(credentials.expiration.map { ", valid until \(UTCTime($0).iso8601)" } ?? "")"
                )
                selected = provider
                cached = credentials
                return credentials
            case .notFound(let why):
                tried.append("\(provider.name): \(why)")
            }
        }
        throw AWSError.credentials(
            "No AWS credentials found. Tried, in order: " + tried.joined(separator: "; ")
                + ". Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose a profile with AWS_PROFILE or --profile (see `aws configure`)"
        )
    }

    private static func safeSummary(_ error: Error) -> String {
        (error as? AWSError)?.code ?? "error"
    }
}
