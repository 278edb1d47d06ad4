import System
import XCTest

final class PercentEncodingTests: XCTestCase {
    func testURIEncoding() {
        let cases: [(String, Bool, String)] = [
            ("a b", false, "a%20b"), ("a/b", false, "a%2Fb"), ("a/b", true, "a/b"), ("-._~", false, "-._~"),
            ("+=&", false, "%2B%3D%26"), ("ሴ", false, "%E1%88%B4"), ("%41", false, "%2541"),
        ]
        for (input, keepSlash, expected) in cases { XCTAssertEqual(PercentEncoding.encode(input, keepSlash: keepSlash), expected, input) }
        XCTAssertEqual(PercentEncoding.decode("a%20b%2Fc%zz"), "a b/c%zz")
    }

    func testQueryKeepsTheOrderGiven() {
        XCTAssertEqual(PercentEncoding.query([("b", "x y"), ("a", "1/2"), ("Action", "")]), "b=x%20y&a=1%2F2&Action=")
        XCTAssertEqual(PercentEncoding.query([]), "")
    }
}
