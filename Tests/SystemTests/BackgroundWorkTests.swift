import Foundation
import System
import Synchronization
import XCTest

final class BackgroundWorkTests: XCTestCase {
    func testTheWorkRunsOnAnotherThreadAndWaitReturnsItsValue() {
        let work = BackgroundWork { () -> (Bool, Int) in
            Thread.sleep(forTimeInterval: 0.2)
            return (Thread.isMainThread, 42)
        }
        let started = Date()
        let (onMain, value) = work.wait()
        XCTAssertTrue(Thread.isMainThread)
        XCTAssertFalse(onMain)
        XCTAssertEqual(value, 42)
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 0.1, "wait returned before the work was done")
    }

    func testTheCallerGoesOnWhileTheWorkRuns() {
        let release = DispatchSemaphore(value: 0)
        let started = Date()
        let work = BackgroundWork { () -> String in
            _ = release.wait(timeout: .now() + 10)
            return "done"
        }
        // The work is blocked until we release it, so getting here at all means it is not run inline.
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        release.signal()
        XCTAssertEqual(work.wait(), "done")
    }

    func testAnAbandonedValueIsDiscardedOnceWhenTheWorkEnds() {
        let release = DispatchSemaphore(value: 0)
        let discarded = DispatchSemaphore(value: 0)
        let count = Box()
        let work = BackgroundWork { () -> Int in
            _ = release.wait(timeout: .now() + 10)
            return 7
        }
        work.abandon { value in
            count.add(value)
            discarded.signal()
        }
        XCTAssertEqual(count.values, [], "discarded before the work was done")
        release.signal()
        XCTAssertEqual(discarded.wait(timeout: .now() + 10), .success)
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(count.values, [7])
    }

    func testAbandoningFinishedWorkDiscardsItsValueAtOnce() {
        let finished = DispatchSemaphore(value: 0)
        let work = BackgroundWork { () -> Int in
            finished.signal()
            return 9
        }
        XCTAssertEqual(finished.wait(timeout: .now() + 10), .success)
        Thread.sleep(forTimeInterval: 0.2) // the value is stored just after the signal
        let count = Box()
        work.abandon { count.add($0) }
        XCTAssertEqual(count.values, [9], "the discard ran here, before abandon returned")
    }

    func testTheWorkKeepsItsValueAliveUntilDiscarded() {
        final class Resource {
            let closed: Box
            init(_ closed: Box) { self.closed = closed }
            deinit { closed.add(1) }
        }
        let closed = Box()
        let discarded = DispatchSemaphore(value: 0)
        do {
            let work = BackgroundWork { Resource(closed) }
            work.abandon { _ in discarded.signal() }
        }
        XCTAssertEqual(discarded.wait(timeout: .now() + 10), .success)
        for _ in 0..<100 where closed.values.isEmpty { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertEqual(closed.values, [1], "the abandoned value was never released")
    }
}

private final class Box: Sendable {
    private let seen = Mutex<[Int]>([])
    func add(_ value: Int) { seen.withLock { $0.append(value) } }
    var values: [Int] { seen.withLock { $0 } }
}
