/// Whether the caller of a transfer has given up on it: its deadline passed, or the user interrupted.
/// A caller that waits on its own terms passes one down with each request, so a transfer in flight
/// ends with an `.aborted` `HTTPError` soon after the condition turns true (libcurl asks at least about
/// once a second, more often while data flows) instead of sitting out its own timeout.
///
/// Not `Sendable`, on purpose: the condition is asked only on the thread that runs the call it was given
/// to (libcurl calls its progress callback inside `curl_easy_perform`, on the caller's thread), so it may
/// read state of that thread without a lock, and the compiler refuses to let a cancellation reach another.
public struct Cancellation {
    /// Nil for `never`: a transfer then does not ask at all.
    private let condition: (() -> Bool)?

    private init(condition: (() -> Bool)?) {
        self.condition = condition
    }

    /// Cancelled whenever `condition` returns true.
    public init(when condition: @escaping () -> Bool) {
        self.condition = condition
    }

    /// Never cancelled: the call runs to its own timeouts.
    public static var never: Cancellation { Cancellation(condition: nil) }

    /// Cancelled once `now()` reaches `deadline`, both in seconds on the same clock.
    public static func deadline(_ deadline: Double, now: @escaping () -> Double) -> Cancellation {
        Cancellation { now() >= deadline }
    }

    /// Cancelled as soon as this one or `other` is.
    public func or(_ other: Cancellation) -> Cancellation {
        guard let mine = condition else { return other }
        guard let theirs = other.condition else { return self }
        return Cancellation { mine() || theirs() }
    }

    public var isCancelled: Bool { condition?() ?? false }

    /// False only for `never`: a transfer (or a wait) that cannot be cancelled need not ask.
    public var canBeCancelled: Bool { condition != nil }
}
