import AWSClient
@testable import ECSTasks
import XCTest

final class LogTailerTests: XCTestCase {
    func tailer(_ logs: FakeLogs, _ refs: [LogStreamRef], clock: FakeClock = FakeClock()) -> (LogTailer, () -> [LogLine], () -> [String]) {
        var lines: [LogLine] = []
        var warnings: [String] = []
        let tailer = LogTailer(
            sources: refs.map { LogTailer.Source(ref: $0, logs: logs) }, clock: clock,
            emit: { lines.append($0) }, unreadable: { warnings.append("\($0.container): \($1)") })
        return (tailer, { lines }, { warnings })
    }

    let app = LogStreamRef(container: "app", group: "/ecs/app", stream: "ecs/app/t1")
    let side = LogStreamRef(container: "side", group: "/ecs/app", stream: "ecs/side/t1")

    func testLateStreamIsWaitedForQuietly() {
        let logs = FakeLogs()
        logs.append(app.stream, ["hello"])
        logs.appearsAfterCalls[app.stream] = 3
        let (t, lines, warnings) = tailer(logs, [app])
        for _ in 0..<3 { XCTAssertEqual(t.read(), 0) }
        XCTAssertEqual(t.read(), 1)
        XCTAssertEqual(lines().map(\.message), ["hello"])
        XCTAssertEqual(warnings(), [])
    }

    /// A read its cancellation cut short proves nothing: the stream stays followed, without a warning,
    /// and the read does not count as reaching the end. Each page is given the read's cancellation.
    func testACancelledReadIsCutShortNotAFailure() {
        let logs = FakeLogs()
        logs.append(app.stream, ["hello"])
        logs.failure = AWSError(kind: .cancelled, code: "RequestAbandoned", message: "the request was abandoned")
        let (t, lines, warnings) = tailer(logs, [app])
        var interrupted = true
        XCTAssertEqual(t.read(cancellation: Cancellation(when: { interrupted })), 0)
        XCTAssertFalse(t.lastReadReachedEnd)
        XCTAssertEqual(logs.cancellations.map(\.isCancelled), [true])
        logs.failure = nil
        interrupted = false
        XCTAssertEqual(t.read(), 1)
        XCTAssertEqual(lines().map(\.message), ["hello"])
        XCTAssertEqual(warnings(), [])
    }

    func testPaginationFollowsForwardTokensAndStopsOnTheSameToken() {
        let logs = FakeLogs()
        logs.pageSize = 2
        logs.append(app.stream, ["1", "2", "3", "4", "5"])
        let (t, lines, _) = tailer(logs, [app])
        XCTAssertEqual(t.read(), 5)
        XCTAssertEqual(lines().map(\.message), ["1", "2", "3", "4", "5"])
        // The last page asks at f/5 and gets f/5 back: the end.
        XCTAssertEqual(logs.calls.map(\.nextToken), [nil, "f/2", "f/4", "f/5"])
        XCTAssertTrue(logs.calls.allSatisfy { $0.startFromHead == true })
        // Nothing new: the same token comes back, nothing is printed twice.
        XCTAssertEqual(t.read(), 0)
        XCTAssertEqual(logs.calls.last?.nextToken, "f/5")
        logs.append(app.stream, ["6"], at: 10)
        XCTAssertEqual(t.read(), 1)
        XCTAssertEqual(lines().map(\.message), ["1", "2", "3", "4", "5", "6"])
    }

    func testSeveralStreamsComeOutInTimestampOrder() {
        let logs = FakeLogs()
        logs.events[app.stream] = [OutputLogEvent(timestamp: 1, message: "a1"), OutputLogEvent(timestamp: 5, message: "a5")]
        logs.events[side.stream] = [OutputLogEvent(timestamp: 3, message: "s3"), OutputLogEvent(timestamp: 5, message: "s5")]
        let (t, lines, _) = tailer(logs, [app, side])
        t.read()
        XCTAssertEqual(lines().map(\.message), ["a1", "s3", "a5", "s5"])
        XCTAssertEqual(lines().map(\.container), ["app", "side", "app", "side"])
    }

    func testDrainReadsUntilTwoEmptyReads() {
        let logs = FakeLogs()
        logs.append(app.stream, ["last words"])
        let clock = FakeClock()
        let (t, lines, _) = tailer(logs, [app], clock: clock)
        // The final line arrives during the drain, after the first read.
        var added = false
        clock.onSleep = { _ in if !added { added = true; logs.append(self.app.stream, ["late line"], at: 100) } }
        let start = clock.time
        t.drain()
        XCTAssertEqual(lines().map(\.message), ["last words", "late line"])
        XCTAssertLessThan(clock.time - start, 5)
        let reads = logs.calls.count
        XCTAssertGreaterThanOrEqual(reads, 3)
        XCTAssertLessThanOrEqual(clock.time - start, 0.61, "three reads, pauses of 0.2 s")
    }

    func testDrainGivesUpAfterFiveSeconds() {
        let logs = FakeLogs()
        logs.append(app.stream, ["x"])
        let clock = FakeClock()
        let (t, _, _) = tailer(logs, [app], clock: clock)
        var n = 0
        clock.onSleep = { _ in
            n += 1; logs.append(self.app.stream, ["more \(n)"], at: Int64(n))
        } // never quiet
        let start = clock.time
        t.drain()
        XCTAssertEqual(clock.time - start, 5, accuracy: 0.6)
    }

    func testThrottledReadsDoNotCountAsEmptyInTheDrain() {
        let logs = FakeLogs()
        logs.append(app.stream, ["first"])
        let clock = FakeClock()
        let (t, lines, _) = tailer(logs, [app], clock: clock)
        t.read()
        // The container's last line is there, but the next three reads are throttled.
        logs.append(app.stream, ["LAST LINE"], at: 50)
        var throttled = 3
        logs.failure = throttling()
        clock.onSleep = { _ in
            throttled -= 1; if throttled <= 0 { logs.failure = nil }
        }
        XCTAssertTrue(t.drain())
        XCTAssertEqual(lines().map(\.message), ["first", "LAST LINE"])
    }

    func testADrainThatNeverReachesTheEndSaysSo() {
        let logs = FakeLogs()
        logs.append(app.stream, ["x"])
        let clock = FakeClock()
        let (t, _, _) = tailer(logs, [app], clock: clock)
        logs.failure = throttling()
        let start = clock.time
        XCTAssertFalse(t.drain())
        XCTAssertEqual(clock.time - start, 5, accuracy: 0.6)
    }

    func testADrainStopsWhenAskedTo() {
        let logs = FakeLogs()
        logs.failure = throttling()
        let clock = FakeClock()
        let (t, _, _) = tailer(logs, [app], clock: clock)
        var asked = 0
        XCTAssertFalse(
            t.drain(shouldStop: {
                asked += 1; return asked > 2
            }))
        XCTAssertEqual(logs.calls.count, 2)
    }

    func testReadIfDueReadsAboutOncePerSecond() {
        let logs = FakeLogs()
        logs.append(app.stream, ["x"])
        let clock = FakeClock()
        let (t, _, _) = tailer(logs, [app], clock: clock)
        for _ in 0..<50 { t.readIfDue(); clock.time += 0.2 }
        XCTAssertEqual(Double(logs.calls.count), 10, accuracy: 1.5)
    }

    func testAccessDeniedWarnsOnceAndStopsReading() {
        let logs = FakeLogs()
        logs.failure = AWSError(kind: .service, code: "AccessDeniedException", message: "not allowed", status: 400)
        let (t, _, warnings) = tailer(logs, [app])
        t.read(); t.read()
        XCTAssertEqual(warnings().count, 1)
        XCTAssertEqual(logs.calls.count, 1)
        XCTAssertTrue(warnings()[0].contains("AccessDeniedException"))
    }
}
