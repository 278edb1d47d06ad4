@testable import HTTP
import XCTest

final class CancellationTests: XCTestCase {
    func testCombinations() {
        var now = 10.0
        let interrupted = Cancellation(when: { now >= 20 })
        let cases: [(name: String, cancellation: Cancellation, at: Double, cancelled: Bool, canBeCancelled: Bool)] = [
            ("never", .never, 100, false, false),
            ("condition false", interrupted, 10, false, true),
            ("condition true", interrupted, 20, true, true),
            ("before the deadline", .deadline(15, now: { now }), 14.9, false, true),
            ("at the deadline", .deadline(15, now: { now }), 15, true, true),
            ("never or never", Cancellation.never.or(.never), 100, false, false),
            ("never or a condition", Cancellation.never.or(interrupted), 20, true, true),
            ("a condition or never", interrupted.or(.never), 20, true, true),
            ("either, neither yet", interrupted.or(.deadline(15, now: { now })), 14, false, true),
            ("either, the deadline first", interrupted.or(.deadline(15, now: { now })), 15, true, true),
            ("either, the condition first", Cancellation.deadline(30, now: { now }).or(interrupted), 20, true, true),
        ]
        for c in cases {
            now = c.at
            XCTAssertEqual(c.cancellation.isCancelled, c.cancelled, c.name)
            XCTAssertEqual(c.cancellation.canBeCancelled, c.canBeCancelled, c.name)
        }
    }

    func testTheConditionIsAskedEachTime() {
        var asked = 0
        let cancellation = Cancellation(when: {
            asked += 1; return asked > 2
        })
        XCTAssertEqual([cancellation.isCancelled, cancellation.isCancelled, cancellation.isCancelled], [false, false, true])
    }
}
