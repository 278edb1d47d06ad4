import System

/// When `up` tries a migration again after it gave up waiting for a lock (SQLSTATE 55P03,
/// lock_not_available, which `lock_timeout` raises). Under live traffic a short lock timeout keeps DDL
/// from stalling every query queued behind it; retrying after a pause rides out a momentary lock instead
/// of failing the deploy. Only a failure that left nothing behind is retried; any other error never is.
struct LockRetryPolicy {
    static let lockNotAvailable = "55P03"

    /// Retries after the first attempt; 0 never retries.
    var retries: Int
    /// The pause before the first retry; each next one doubles, up to `maxDelay` (seconds).
    var firstDelay: Double = 0.25
    var maxDelay: Double = 10
    /// A number in 0..<1 for the jitter, and the pause itself: injected so tests need no real time.
    var random: () -> Double = { Double.random(in: 0..<1) }
    var sleep: (Double) -> Void = { SystemClock.shared.sleep($0) }

    /// The pause before retry `n` (from 1): the doubled and capped delay, then a random point in its upper
    /// half, so migrators blocked by the same lock spread out yet none retries at once.
    func delay(beforeRetry n: Int) -> Double {
        let ceiling = min(maxDelay, firstDelay * Double(1 << min(max(n - 1, 0), 30)))
        return ceiling / 2 + ceiling / 2 * min(max(random(), 0), 1)
    }

    /// Runs `attempt` until it succeeds, fails other than on a lock, or the retries are used up; then
    /// rethrows its last failure. `nothingTookEffect` is asked after a lock failure whether trying again
    /// is safe; `holder` names who holds the lock, logged with each retry.
    func run(
        _ label: String, log: (String) -> Void, nothingTookEffect: () throws -> Bool,
        holder: () -> String?, attempt: () throws -> Void
    ) throws {
        var retry = 0
        while true {
            do {
                return try attempt()
            } catch MigratorError.migrationFailed(var failure) where failure.error.sqlState == Self.lockNotAvailable && retries > 0 {
                guard retry < retries, try nothingTookEffect() else {
                    failure.lockAttempts = MigrationFailure.LockAttempts(
                        tried: retry + 1, retries: retries, partTookEffect: retry < retries)
                    throw MigratorError.migrationFailed(failure)
                }
                retry += 1
                let pause = delay(beforeRetry: retry)
                log(
                    "\(label) timed out waiting for a lock held by \(holder() ?? "a session that has released it since")"
                        + "; nothing applied, retry \(retry) of \(retries) in \(Int((pause * 1000).rounded())) ms")
                sleep(pause)
            }
        }
    }
}
