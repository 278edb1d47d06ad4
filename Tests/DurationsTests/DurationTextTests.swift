import Durations
import XCTest

final class DurationTextTests: XCTestCase {
    func testAccepted() throws {
        let cases: [(name: String, text: String, seconds: Double)] = [
            ("seconds", "90s", 90), ("minutes", "30m", 1800), ("hours", "2h", 7200), ("hours and minutes", "1h30m", 5400),
            ("minutes and seconds", "1m30s", 90), ("milliseconds", "500ms", 0.5), ("plain number is seconds", "45", 45),
            ("fraction", "1.5h", 5400), ("days", "1d", 86400), ("surrounding spaces", " 10s ", 10),
        ]
        for c in cases {
            XCTAssertEqual(try DurationText.seconds(c.text), c.seconds, c.name)
        }
    }

    func testRejected() {
        let cases: [(name: String, text: String)] = [
            ("empty", ""), ("unit only", "s"), ("unknown unit", "10y"), ("zero", "0s"), ("plain zero", "0"), ("negative", "-5s"),
            ("repeated unit", "1m1m"), ("garbage", "soon"), ("missing unit between numbers", "1h30"),
            ("exponent", "1e300"), ("exponent with unit", "1e20s"), ("infinity", "inf"), ("not a number", "nan"),
            ("hexadecimal float", "0x1p3"),
        ]
        for c in cases {
            XCTAssertThrowsError(try DurationText.seconds(c.text), c.name) { error in
                XCTAssertTrue("\(error)".contains("90s"), "the message shows examples: \(error)")
            }
        }
    }

    /// "-5s" reads as a duration with a minus sign, so the message says so instead of "not a duration".
    func testANegativeDurationIsCalledNegative() {
        for text in ["-5s", "-1h30m", "-90", " -0.5s"] {
            XCTAssertThrowsError(try DurationText.seconds(text, allowingZero: true), text) { error in
                XCTAssertTrue("\(error)".contains("is negative; give a duration above zero"), "\(error)")
            }
        }
        XCTAssertThrowsError(try DurationText.seconds("-soon")) { error in
            XCTAssertTrue("\(error)".contains("is not a duration"), "\(error)")
        }
    }

    func testAYearAtMost() throws {
        XCTAssertEqual(try DurationText.seconds("365d"), 365 * 86400)
        for text in ["366d", "31536001", "9000h", "99999999999999999999s"] {
            XCTAssertThrowsError(try DurationText.seconds(text), text) { error in
                XCTAssertTrue("\(error)".contains("longer than the longest duration accepted, 365d"), "\(error)")
            }
        }
    }

    func testZeroOnlyWhereAllowed() throws {
        XCTAssertEqual(try DurationText.seconds("0s", allowingZero: true), 0)
        XCTAssertEqual(try DurationText.seconds("0", allowingZero: true), 0)
        XCTAssertThrowsError(try DurationText.seconds("-1s", allowingZero: true))
        XCTAssertThrowsError(try DurationText.seconds("0s")) { error in
            XCTAssertTrue("\(error)".contains("above zero"), "\(error)")
        }
    }

    func testFormat() {
        XCTAssertEqual(DurationText.format(3.25), "3.2s")
        XCTAssertEqual(DurationText.format(42), "42s")
        XCTAssertEqual(DurationText.format(75), "1m15s")
        XCTAssertEqual(DurationText.format(5400), "1h30m0s")
    }
}
