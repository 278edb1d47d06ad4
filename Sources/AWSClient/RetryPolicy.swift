import FoundationEssentials
import System

/// The SDKs' "standard" retry mode: a few attempts, exponential backoff with full jitter, and a
/// token bucket (the retry quota) so an outage does not multiply the load.
struct RetryPolicy {
    enum Mode: String { case standard, legacy, adaptive }

    var mode: Mode = .standard
    /// Attempts in all, the first one included.
    var maxAttempts: Int = 3
    var maxBackoff: Double = 20
    /// Waits between attempts; tests replace it to run fast and to see the delays.
    var sleep: (Double) -> Void = { SystemClock.shared.sleep($0) }
    /// A number in [0, 1) for the jitter.
    var random: () -> Double = { Double.random(in: 0..<1) }

    /// The delay before attempt `attempt + 1`, after `attempt` failed attempts.
    func backoff(afterAttempt attempt: Int) -> Double {
        let ceiling = min(maxBackoff, Double(sign: .plus, exponent: attempt - 1, significand: 1)) // 2^(attempt-1)
        return random() * ceiling
    }

    /// Reads `AWS_RETRY_MODE`/`AWS_MAX_ATTEMPTS`, then the profile's `retry_mode`/`max_attempts`.
    static func resolve(environment: [String: String], profile: [String: String]) throws -> RetryPolicy {
        var policy = RetryPolicy()
        if let text = environment["AWS_RETRY_MODE"] ?? profile["retry_mode"] {
            guard let mode = Mode(rawValue: text.lowercased()) else {
                throw AWSError.invalidSetting(
                    "retry mode \"\(text)\" is not one of standard, legacy, adaptive (AWS_RETRY_MODE or retry_mode)")
            }
            policy.mode = mode
            // Legacy mode's default is 5 attempts; adaptive behaves like standard here (no client-side rate limiter).
            if mode == .legacy { policy.maxAttempts = 5 }
        }
        if let text = environment["AWS_MAX_ATTEMPTS"] ?? profile["max_attempts"] {
            guard let n = Int(text.trimmingSpacesTabsAndNewlines()), n >= 1 else {
                throw AWSError.invalidSetting(
                    "max attempts \"\(text)\" must be a whole number of at least 1 (AWS_MAX_ATTEMPTS or max_attempts)")
            }
            policy.maxAttempts = n
        }
        return policy
    }
}

/// The retry token bucket of the standard mode: retries spend tokens, successes return them.
final class RetryQuota {
    static let capacity = 500
    static let retryCost = 5
    static let timeoutCost = 10
    static let successIncrement = 1

    private var tokens = RetryQuota.capacity

    var available: Int { tokens }

    /// Takes the cost of one retry; false when the quota is spent, and then no retry happens.
    func acquire(_ cost: Int) -> Bool {
        guard tokens >= cost else { return false }
        tokens -= cost
        return true
    }

    /// Called after a success: gives back what the last retry cost, or a small increment.
    func release(_ cost: Int?) {
        tokens = min(Self.capacity, tokens + (cost ?? Self.successIncrement))
    }
}
