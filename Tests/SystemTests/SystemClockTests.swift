import Foundation
import Glibc
import System
import XCTest

/// The one sleep: a signal does not cut it short unless the caller's check says so.
final class SystemClockTests: XCTestCase {
    /// Sends SIGUSR1 (handled, without SA_RESTART, as ecs-run handles SIGINT) to this thread after `delay`.
    private func signalThisThread(after delay: Double) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGUSR1, &action, nil)
        let target = pthread_self()
        Thread.detachNewThread {
            SystemClock.sleep(delay)
            pthread_kill(target, SIGUSR1)
        }
    }

    func testASignalDoesNotShortenTheSleep() {
        let clock = SystemClock()
        signalThisThread(after: 0.05)
        let start = clock.now()
        clock.sleep(0.3)
        XCTAssertGreaterThanOrEqual(clock.now() - start, 0.3)
    }

    func testASignalEndsTheSleepWhenTheCheckSaysSo() {
        let clock = SystemClock(wakingWhen: { true })
        signalThisThread(after: 0.05)
        let start = clock.now()
        clock.sleep(2)
        XCTAssertLessThan(clock.now() - start, 1.5)
    }

    func testMillisecondsSince() {
        let clock = SystemClock()
        let start = clock.now()
        XCTAssertEqual(clock.milliseconds(since: start + 10), -10_000)
        XCTAssertGreaterThanOrEqual(clock.milliseconds(since: start - 1), 1000)
    }
}
