import FoundationEssentials
import System

/// The time requests are signed with: a base clock plus the offset learned from AWS's `Date` header
/// after a clock-skew error. Shared by everything one configuration creates.
final class AWSClock: @unchecked Sendable {
    private let mutex = Mutex()
    private var baseClock: @Sendable () -> Date
    private var storedOffset: Double = 0

    init(base: @escaping @Sendable () -> Date = { Date() }) {
        baseClock = base
    }

    /// The uncorrected clock; tests replace it.
    var base: @Sendable () -> Date {
        get { mutex.locked { baseClock } }
        set { mutex.locked { baseClock = newValue } }
    }

    /// Seconds added to the base clock.
    var offset: Double { mutex.locked { storedOffset } }

    func now() -> Date {
        let (clock, offset) = mutex.locked { (baseClock, storedOffset) }
        return clock().addingTimeInterval(offset)
    }

    /// Adopts the server's time, as seen in a response received at local (uncorrected) time `local`.
    func adopt(serverTime: Date, receivedAt local: Date) {
        mutex.locked { storedOffset = serverTime.timeIntervalSince(local) }
    }
}
