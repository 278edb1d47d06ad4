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

    /// Files of every size come back whole in one buffer, across the 64 KiB first read and past the size
    /// fstat gave when they grew; errors keep their errno.
    func testBufferReadsWholeFiles() throws {
        for size in [0, 1, 65_535, 65_536, 65_537, 1 << 20, (1 << 20) + 3] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let path = write("b\(size)", bytes)
            let buffer = try FileBytes.buffer(path)
            XCTAssertEqual(buffer.count, size)
            XCTAssertTrue(buffer.withBytes(buffer.all) { $0.elementsEqual(bytes) }, "size \(size)")
        }
        XCTAssertThrowsError(try FileBytes.buffer(directory + "/none")) { error in
            XCTAssertTrue((error as? FileBytes.ReadFailure)?.isMissing ?? false, "\(error)")
        }
        XCTAssertThrowsError(try FileBytes.buffer(directory)) { error in
            XCTAssertEqual("\(error)", "Is a directory")
        }
        let target = write("target", Array("x".utf8))
        XCTAssertEqual(symlink(target, directory + "/link"), 0)
        XCTAssertEqual(try FileBytes.buffer(directory + "/link").count, 1)
        XCTAssertThrowsError(try FileBytes.buffer(directory + "/link", followingLinks: false)) { error in
            XCTAssertTrue((error as? FileBytes.ReadFailure)?.isSymbolicLink ?? false, "\(error)")
        }
    }

    func testDirectoryListingAndLinks() throws {
        _ = write("a", [])
        _ = write("b", [])
        XCTAssertEqual(try DirectoryListing.names(directory).sorted(), ["a", "b"])
        XCTAssertThrowsError(try DirectoryListing.names(directory + "/none")) { error in
            XCTAssertEqual("\(error)", "No such file or directory")
        }
        XCTAssertEqual(symlink("a", directory + "/l"), 0)
        XCTAssertEqual(SymbolicLinks.target(directory + "/l"), "a")
        let real = try XCTUnwrap(SymbolicLinks.resolved(directory))
        XCTAssertEqual(SymbolicLinks.resolved(directory + "/l"), real + "/a")
        XCTAssertTrue(SymbolicLinks.isInside(real + "/a", real))
        XCTAssertFalse(SymbolicLinks.isInside(real + "-other/a", real))
        XCTAssertNil(SymbolicLinks.resolved(directory + "/none"))
        XCTAssertTrue(ProcessUser.description.contains("(uid \(geteuid()))"), ProcessUser.description)
    }
}
