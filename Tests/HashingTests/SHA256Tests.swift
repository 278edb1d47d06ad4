import Hashing
import XCTest

final class SHA256Tests: XCTestCase {
    // FIPS 180-2 / NIST CSRC example vectors.
    let vectors: [(name: String, input: [UInt8], digest: String)] = [
        ("empty", [], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "two blocks", Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "four blocks",
            Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
        (
            "million a", [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        ),
    ]

    func testOneShotVectors() {
        for v in vectors {
            XCTAssertEqual(SHA256.hash(v.input).hex, v.digest, v.name)
        }
    }

    func testStreamingMatchesOneShotForEverySplit() {
        for v in vectors where v.input.count < 1000 {
            for split in 0...v.input.count {
                var digest = SHA256()
                digest.update(v.input[..<split])
                digest.update(v.input[split...])
                XCTAssertEqual(digest.finalize().hex, v.digest, "\(v.name) split at \(split)")
            }
        }
    }

    func testStreamingInManySmallChunks() {
        var digest = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { digest.update(chunk) }
        XCTAssertEqual(digest.finalize().hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testStringInputIsUTF8() {
        XCTAssertEqual(SHA256.hash("é"), SHA256.hash([0xc3, 0xa9]))
    }
}
