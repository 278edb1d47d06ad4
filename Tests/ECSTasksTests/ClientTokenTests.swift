@testable import ECSTasks
import Hashing
import XCTest

final class ClientTokenTests: XCTestCase {
    func testShortKeysPassUnchanged() {
        XCTAssertEqual(ClientToken.from(idempotencyKey: "deploy-42"), "deploy-42")
        let sixtyFour = String(repeating: "k", count: 64)
        XCTAssertEqual(ClientToken.from(idempotencyKey: sixtyFour), sixtyFour)
    }

    func testLongKeysAreHashedToSixtyFourHexCharacters() {
        let key = String(repeating: "k", count: 65)
        let token = ClientToken.from(idempotencyKey: key)
        XCTAssertEqual(token, SHA256.hash(Array(key.utf8)).hex)
        XCTAssertEqual(token.count, 64)
        XCTAssertEqual(ClientToken.from(idempotencyKey: key), token, "stable")
        XCTAssertNotEqual(ClientToken.from(idempotencyKey: key + "x"), token)
    }

    func testKeysWithCharactersECSRefusesAreHashed() {
        for key in ["with space", "tab\there", "émigré"] {
            let token = ClientToken.from(idempotencyKey: key)
            XCTAssertEqual(token.count, 64, key)
            XCTAssertTrue(token.utf8.allSatisfy { (33...126).contains($0) }, key)
        }
    }

    func testKnownVector() {
        // sha256("abc")
        XCTAssertEqual(
            ClientToken.from(idempotencyKey: "abc" + String(repeating: " ", count: 0) + " "),
            SHA256.hash(Array("abc ".utf8)).hex)
        XCTAssertEqual(SHA256.hash(Array("abc".utf8)).hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
