import Foundation
import System
import XCTest

final class FileBytesTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "filebytes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = directory + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func testReadTextSizes() throws {
        let limit = 1 << 17 // two reads past the 64 KiB scratch buffer
        let cases: [(name: String, size: Int, tooLarge: Bool)] = [
            ("empty", 0, false), ("small", 10, false), ("scratch-sized", 1 << 16, false),
            ("exactly the limit", limit, false), ("one byte over", limit + 1, true),
        ]
        for c in cases {
            let path = write(c.name, Array(repeating: UInt8(ascii: "a"), count: c.size))
            if c.tooLarge {
                XCTAssertThrowsError(try FileBytes.readText(path, limit: limit), c.name) { error in
                    XCTAssertEqual(error as? FileBytes.Failure, .tooLarge(0), c.name)
                }
            } else {
                XCTAssertEqual(try FileBytes.readText(path, limit: limit)?.utf8.count, c.size, c.name)
            }
        }
    }

    func testMissingFilesAndBadUTF8() throws {
        XCTAssertNil(try FileBytes.readText(directory + "/none"))
        XCTAssertNil(try FileBytes.readText(directory + "/none/deeper"))
        XCTAssertThrowsError(try FileBytes.readUTF8(directory + "/none")) { error in
            XCTAssertEqual(error as? FileBytes.Failure, .unreadable("No such file or directory"))
        }
        let bad = write("bad", [0x61, 0xff, 0x62])
        XCTAssertNil(try FileBytes.readUTF8(bad))
        XCTAssertEqual(try FileBytes.readText(bad), "a\u{FFFD}b")
        XCTAssertEqual(try FileBytes.readUTF8(write("good", Array("héllo".utf8))), "héllo")
    }

    func testReplaceKeepsTheOldModeOrUsesTheNewOne() throws {
        let fresh = directory + "/fresh"
        try FileBytes.replace(fresh, with: Array("one".utf8), newMode: 0o600)
        XCTAssertEqual(try FileBytes.readText(fresh), "one")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: fresh)[.posixPermissions] as? Int, 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: fresh)
        try FileBytes.replace(fresh, with: Array("two".utf8))
        XCTAssertEqual(try FileBytes.readText(fresh), "two")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: fresh)[.posixPermissions] as? Int, 0o640)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["fresh"], "no temporary file is left")
        XCTAssertThrowsError(try FileBytes.replace(directory + "/none/file", with: [])) { error in
            XCTAssertEqual(error as? FileBytes.Failure, .unwritable("No such file or directory"))
        }
    }
}
