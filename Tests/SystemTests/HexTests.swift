import System
import XCTest

final class HexTests: XCTestCase {
    func testEveryByteEncodesAsTwoLowerCaseDigits() {
        let all = (0...255).map { UInt8($0) }
        let expected = all.map { byte -> String in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte / 16)], digits[Int(byte % 16)]])
        }.joined()
        XCTAssertEqual(Hex.encode(all), expected)
        XCTAssertEqual(Hex.encode(all[16..<18]), "1011", "a slice goes the generic way")
        XCTAssertEqual(Hex.encode([UInt8]()), "")
        XCTAssertEqual(Hex.decode(Hex.encode(all)), all)
    }
}
