import Glibc

/// Time for the watcher and the tailer: seconds on a monotonic scale, and a way to pass them.
/// Tests inject a scripted clock so waits take no real time.
public protocol Clock: AnyObject {
    /// Seconds since an arbitrary fixed point; never goes backwards.
    func now() -> Double
    func sleep(_ seconds: Double)
}

/// The real clock: CLOCK_MONOTONIC and nanosleep.
public final class SystemClock: Clock {
    public init() {}

    public func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        // A signal cuts the sleep short on purpose: the loop then sees the interrupt flag at once.
        _ = nanosleep(&request, &remaining)
    }
}
