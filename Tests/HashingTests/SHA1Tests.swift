import Hashing
import XCTest

final class SHA1Tests: XCTestCase {
    // FIPS 180-1 examples, and the cache file name botocore gives the SSO session "my-sso".
    func testVectors() {
        let vectors: [(input: String, digest: String)] = [
            ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ]
        for v in vectors { XCTAssertEqual(SHA1.hash(v.input).hex, v.digest, v.input) }
    }
}
