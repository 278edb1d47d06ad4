import Foundation
import XCTest

@testable import Migrations

/// Versions order as Flyway orders them, part by part as numbers, and one-number versions as they always did.
final class MigrationVersionTests: XCTestCase {
    func v(_ text: String) -> MigrationVersion {
        guard let version = MigrationVersion(parsing: text) else {
            XCTFail("\(text) did not parse")
            return 0
        }
        return version
    }

    func testOrder() {
        let cases: [(name: String, lower: String, higher: String)] = [
            ("1.10 after 1.9, unlike as strings", "1.9", "1.10"),
            ("2.0.1 after 2", "2", "2.0.1"),
            ("a prefix first", "1.1", "1.1.1"),
            ("10 after 9", "9", "10"),
            ("leading zeros are padding", "0009", "10"),
            ("1_1 is 1.1", "1_0", "1_1"),
            ("timestamps", "20230101000000", "20230101000001"),
            ("version 0 first", "0", "0.1"),
        ]
        for c in cases {
            XCTAssertLessThan(v(c.lower), v(c.higher), c.name)
            XCTAssertFalse(v(c.higher) < v(c.lower), c.name)
        }
        let texts = ["2.0.1", "1.10", "1", "1.9", "1.1", "10", "2", "1.2.3"]
        XCTAssertEqual(texts.map(v).sorted().map(\.text), ["1", "1.1", "1.2.3", "1.9", "1.10", "2", "2.0.1", "10"])
    }

    func testTrailingZeroPartsAndPaddingAreTheSameVersion() {
        let same: [(String, String)] = [("1", "1.0"), ("1", "1.0.0"), ("1.1", "1_1"), ("0002", "2"), ("0", "0.0"), ("1.01", "1.1")]
        for (a, b) in same {
            XCTAssertEqual(v(a), v(b), "\(a) and \(b)")
            XCTAssertEqual(Set([v(a), v(b)]).count, 1, "\(a) and \(b) hash alike")
            XCTAssertEqual(v(a).orderLiteral, v(b).orderLiteral, "\(a) and \(b)")
        }
        XCTAssertEqual(v("1.0").text, "1.0", "the text stays as written")
    }

    func testWhatIsNoVersion() {
        for text in ["", "v1", "1.", ".1", "1..2", "1__2", "1.a", "-1", "1 ", "18446744073709551616", "1.x.2"] {
            XCTAssertNil(MigrationVersion(parsing: text), text)
        }
        XCTAssertEqual(v("18446744073709551615.1").parts, [UInt64.max, 1])
    }

    func testWhatTheHistoryRecords() {
        let cases: [(text: String, recorded: String, order: String)] = [
            ("0002", "2", "{2}"), ("20230104091512", "20230104091512", "{20230104091512}"), ("0", "0", "{0}"),
            ("2.0.1", "2.0.1", "{2,0,1}"), ("1.10", "1.10", "{1,10}"), ("1_1", "1_1", "{1,1}"), ("1.0", "1.0", "{1}"),
        ]
        for c in cases {
            XCTAssertEqual(v(c.text).recorded, c.recorded, c.text)
            XCTAssertEqual(v(c.text).orderLiteral, c.order, c.text)
            XCTAssertEqual(MigrationVersion(parsing: v(c.text).recorded), v(c.text), "\(c.text) reads back")
        }
    }

    func testJSONKeepsNumbersNumbers() throws {
        let encoded = try JSONEncoder().encode([v("0002"), v("20230104091512"), v("2.0.1"), v("1.0"), v("1_1")])
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), #"[2,20230104091512,"2.0.1","1.0","1_1"]"#)
    }
}
