import System
import XCTest

final class TrimmingTests: XCTestCase {
    func testSpacesTabsAndNewlinesIncludingCRLF() {
        XCTAssertEqual(" \t token\r\n".trimmingSpacesTabsAndNewlines(), "token")
        XCTAssertEqual("\r\n\r\nkey = value \r".trimmingSpacesTabsAndNewlines(), "key = value")
        XCTAssertEqual("Content-Type: text/plain\r\n".trimmingSpacesTabsAndNewlines(), "Content-Type: text/plain")
        XCTAssertEqual(" \r\n\t".trimmingSpacesTabsAndNewlines(), "")
        // Only those four blanks: a vertical tab, a form feed or a no-break space stays, as the SDKs keep them.
        XCTAssertEqual("\u{0B}a\u{0C}".trimmingSpacesTabsAndNewlines(), "\u{0B}a\u{0C}")
        XCTAssertEqual("\u{00A0}a".trimmingSpacesTabsAndNewlines(), "\u{00A0}a")
        XCTAssertEqual("a b".trimmingSpacesTabsAndNewlines(), "a b")
    }

    func testUnicodeWhitespace() {
        XCTAssertEqual("\u{00A0} -- migrate:up \u{2003}\r\n".trimmingUnicodeWhitespace(), "-- migrate:up")
        XCTAssertEqual("\u{0B}\u{0C}-- migrator:no-transaction\r".trimmingUnicodeWhitespace(), "-- migrator:no-transaction")
        XCTAssertEqual("  \t".trimmingUnicodeWhitespace(), "")
    }
}
