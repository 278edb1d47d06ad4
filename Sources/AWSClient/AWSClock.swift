import FoundationEssentials
import Synchronization

/// The time requests are signed with: a base clock plus the offset learned from AWS's `Date` header
/// after a clock-skew error. Shared by everything one configuration creates, and by the signer's
/// `@Sendable` clock, hence the lock.
final class AWSClock: Sendable {
    private struct State {
        var base: @Sendable () -> Date
        var offset: Double = 0
    }
    private let state: Mutex<State>

    init(base: @escaping @Sendable () -> Date = { Date() }) {
        state = Mutex(State(base: base))
    }

    /// The uncorrected clock; tests replace it.
    var base: @Sendable () -> Date {
        get { state.withLock { $0.base } }
        set { state.withLock { $0.base = newValue } }
    }

    /// Seconds added to the base clock.
    var offset: Double { state.withLock { $0.offset } }

    func now() -> Date {
        let (clock, offset) = state.withLock { ($0.base, $0.offset) }
        return clock().addingTimeInterval(offset)
    }

    /// Adopts the server's time, as seen in a response received at local (uncorrected) time `local`.
    func adopt(serverTime: Date, receivedAt local: Date) {
        state.withLock { $0.offset = serverTime.timeIntervalSince(local) }
    }
}
