#if canImport(Glibc)
import Glibc
#endif

/// Seconds on a scale that never goes backwards, and a way to let them pass. Named so that it does not
/// shadow `Swift.Clock`. Tests inject a scripted clock so that waits take no real time.
public protocol MonotonicClock: AnyObject {
    /// Seconds since an arbitrary fixed point.
    func now() -> Double
    func sleep(_ seconds: Double)
}

extension MonotonicClock {
    /// Whole milliseconds from `start` (a value of `now()`) to now, for "done in N ms" lines.
    public func milliseconds(since start: Double) -> Int {
        Int(((now() - start) * 1000).rounded())
    }
}

/// The real clock: CLOCK_MONOTONIC, and `SystemClock.sleep`.
public final class SystemClock: MonotonicClock, Sendable {
    /// For callers that never want a signal to end a sleep.
    public static let shared = SystemClock()

    private let wake: @Sendable () -> Bool

    /// `wake` is asked after a signal cuts a sleep short: true ends the sleep there (ecs-run passes its
    /// interrupt flag, so Ctrl-C is seen at once); false sleeps on for the rest of the time.
    public init(wakingWhen wake: @escaping @Sendable () -> Bool = { false }) {
        self.wake = wake
    }

    public func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public func sleep(_ seconds: Double) {
        Self.sleep(seconds, wakingWhen: wake)
    }

    /// Sleeps `seconds` (nothing for zero or less). After EINTR it sleeps on for the time that remains,
    /// unless `wake()` is true then.
    public static func sleep(_ seconds: Double, wakingWhen wake: () -> Bool = { false }) {
        guard seconds > 0 else { return }
        let whole = seconds.rounded(.down)
        var request = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1, errno == EINTR, !wake() { request = remaining }
    }
}
