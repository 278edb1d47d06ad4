import Foundation
import System
import XCTest

final class TextBufferTests: XCTestCase {
    /// The validator agrees with the standard library's on every kind of well-formed and ill-formed sequence,
    /// at every offset around the 8-byte ASCII steps.
    func testUTF8ValidationAgreesWithTheStandardLibrary() {
        let pieces: [[UInt8]] = [
            Array("plain ASCII".utf8), Array("é".utf8), Array("€".utf8), Array("😀".utf8), Array("\u{10FFFF}".utf8),
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
            [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], [0xC3], [0xE2, 0x82],
            [0xF0, 0x9F, 0x98], [0xE2, 0x28, 0xA1], [0xC3, 0x28], [0xEF, 0xBB, 0xBF], [0x00],
        ]
        for piece in pieces {
            for padding in 0..<10 {
                for trailing in [0, 1, 9] {
                    let bytes =
                        Array(repeating: UInt8(ascii: "a"), count: padding) + piece + Array(repeating: UInt8(ascii: "b"), count: trailing)
                    let expected = String(validating: bytes, as: UTF8.self) != nil
                    let buffer = TextBuffer(bytes)
                    XCTAssertEqual(buffer.isValidUTF8(buffer.all), expected, "\(piece) after \(padding), before \(trailing)")
                }
            }
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0..<24, using: &random)).map { _ in
                Bool.random(using: &random) ? UInt8.random(in: 0x80...0xFF, using: &random) : UInt8.random(in: 0...0x7F, using: &random)
            }
            XCTAssertEqual(TextBuffer(bytes).isValidUTF8(0..<bytes.count), String(validating: bytes, as: UTF8.self) != nil, "\(bytes)")
        }
    }

    /// A range goes to C as a NUL-terminated string without a copy, and the byte after it comes back.
    func testWithCStringEndsTheRangeAndPutsTheByteBack() {
        let buffer = TextBuffer("SELECT 1; SELECT 2;")
        let first = buffer.withCString(0..<8) { String(cString: $0) }
        XCTAssertEqual(first, "SELECT 1")
        XCTAssertEqual(buffer.string(buffer.all), "SELECT 1; SELECT 2;")
        XCTAssertEqual(buffer.withCString(buffer.all) { String(cString: $0) }, "SELECT 1; SELECT 2;")
        XCTAssertEqual(buffer.firstNUL(in: buffer.all), nil)
        XCTAssertEqual(TextBuffer([0x61, 0x00, 0x62]).firstNUL(in: 0..<3), 1)
    }

    func testOutputControlsAreEscaped() {
        let cases: [(String, String)] = [
            ("plain text, é and 😀 and a \\ backslash", "plain text, é and 😀 and a \\ backslash"),
            ("a\nb\rc\td", "a\\nb\\rc\\td"),
            ("\u{1B}[31mred\u{07}", "\\x1b[31mred\\x07"),
            ("nul\u{0}del\u{7F}", "nul\\x00del\\x7f"),
            ("c1 \u{85} \u{9B}", "c1 \\u0085 \\u009b"),
            ("line\u{2028}para\u{2029}", "line\\u2028para\\u2029"),
            ("bidi \u{202E}txt.exe\u{202C} \u{2066}x\u{2069} \u{200F}", "bidi \\u202etxt.exe\\u202c \\u2066x\\u2069 \\u200f"),
        ]
        for (text, escaped) in cases {
            XCTAssertEqual(text.escapingOutputControls(), escaped)
            XCTAssertEqual(text.containsOutputControls, text != escaped, text)
        }
    }
}
