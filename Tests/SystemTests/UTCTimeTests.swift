import Foundation
import System
import XCTest

final class UTCTimeTests: XCTestCase {
    func testTimestampParsing() {
        let cases: [(String, Double?)] = [
            ("2015-08-30T12:36:00Z", 1_440_938_160),
            ("2015-08-30T12:36:00.250Z", 1_440_938_160.25),
            ("2015-08-30T14:36:00+02:00", 1_440_938_160),
            ("2024-02-29T00:00:00Z", 1_709_164_800),
            ("2015-08-30 12:36:00Z", 1_440_938_160),
            ("soon", nil),
            ("2015-13-30T12:36:00Z", nil),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(UTCTime.parseISO8601(text)?.timeIntervalSince1970, expected, text)
        }
        XCTAssertEqual(UTCTime.parseHTTPDate("Sun, 30 Aug 2015 12:36:00 GMT")?.timeIntervalSince1970, 1_440_938_160)
        XCTAssertNil(UTCTime.parseHTTPDate("yesterday"))
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        XCTAssertEqual(UTCTime.parseHTTPDate(UTCTime(now).httpDate), now)
        XCTAssertEqual(UTCTime(Date(timeIntervalSince1970: 1_440_938_160)).iso8601, "2015-08-30T12:36:00Z")
    }

    /// The forms that used to come from gmtime_r: the JSON result's times and a new migration's version.
    func testFormsOnTheCalendarsEdges() {
        let cases: [(Double, iso: String, millis: String, http: String, digits: Int64)] = [
            (0, "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z", "Thu, 01 Jan 1970 00:00:00 GMT", 19700101000000),
            (951_782_400.25, "2000-02-29T00:00:00Z", "2000-02-29T00:00:00.250Z", "Tue, 29 Feb 2000 00:00:00 GMT", 20000229000000),
            (1_714_564_800.999, "2024-05-01T12:00:00Z", "2024-05-01T12:00:00.999Z", "Wed, 01 May 2024 12:00:00 GMT", 20240501120000),
            (4_102_444_799, "2099-12-31T23:59:59Z", "2099-12-31T23:59:59.000Z", "Thu, 31 Dec 2099 23:59:59 GMT", 20991231235959),
        ]
        for c in cases {
            let t = UTCTime(Date(timeIntervalSince1970: c.0))
            XCTAssertEqual(t.iso8601, c.iso)
            XCTAssertEqual(t.iso8601Milliseconds, c.millis)
            XCTAssertEqual(t.httpDate, c.http)
            XCTAssertEqual(t.digits, c.digits)
        }
    }
}
