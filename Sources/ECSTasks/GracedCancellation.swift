import AWSClient
import System

extension Cancellation {
    /// Cancelled `grace` seconds after `trigger` was first seen true: for a call whose answer is still
    /// worth a short wait after the user gave up, because it says what must be undone (RunTask's names
    /// the task to stop). The transfer asks about once a second, so the trigger is seen within about one.
    static func graced(_ trigger: @escaping () -> Bool, grace: Double, clock: MonotonicClock) -> Cancellation {
        let firstSeen = FirstSeen()
        return Cancellation {
            guard trigger() else { return false }
            return clock.now() - firstSeen.time(orNow: clock.now()) >= grace
        }
    }
}

/// When a condition was first seen true. A `Cancellation` is asked only on the thread of its call, so
/// this needs no lock (and, not being `Sendable`, cannot reach another thread).
private final class FirstSeen {
    private var seen: Double?

    func time(orNow now: Double) -> Double {
        if seen == nil { seen = now }
        return seen ?? now
    }
}
