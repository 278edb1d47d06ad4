import Foundation
import Migrations
import XCTest

final class MigrationSourceTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "migsrc-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }

    func testBothLayoutsMixedAndSorted() throws {
        try write("3_third.sql", "-- migrate:up\nCREATE TABLE c (x int);\n\n-- migrate:down\nDROP TABLE c;\n")
        try write("1_first.up.sql", "CREATE TABLE a (x int);\n")
        try write("1_first.down.sql", "DROP TABLE a;\n")
        try write("20261125093000_stamp.up.sql", "CREATE TABLE d (x int);\n")
        try write("2_second.sql", "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON a (x);\n")
        try write("README.md", "not a migration")
        try write(".gitkeep", "")
        let migrations = try MigrationSource.load(directory: dir)
        XCTAssertEqual(migrations.map(\.version), [1, 2, 3, 20261125093000])
        XCTAssertEqual(migrations.map(\.name), ["first", "second", "third", "stamp"])
        XCTAssertEqual(migrations[0].down?.text, "DROP TABLE a;\n")
        XCTAssertTrue(migrations[0].up.transactional)
        XCTAssertFalse(migrations[1].up.transactional)
        XCTAssertNil(migrations[1].down)
        XCTAssertEqual(migrations[2].up.text, "CREATE TABLE c (x int);\n")
        XCTAssertEqual(migrations[2].up.firstLine, 2)
        XCTAssertEqual(migrations[2].down?.text, "DROP TABLE c;\n")
        XCTAssertEqual(migrations[2].down?.firstLine, 5)
        XCTAssertNil(migrations[3].down)
    }

    func testNoTransactionDirectiveInTheUpDownLayout() throws {
        try write("1_idx.up.sql", "-- migrator:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);\n")
        try write("1_idx.down.sql", "-- migrator:no-transaction\nDROP INDEX CONCURRENTLY i;\n")
        let m = try MigrationSource.load(directory: dir)[0]
        XCTAssertFalse(m.up.transactional)
        XCTAssertEqual(m.down?.transactional, false)
        // Spelled with no space, or a tab, after "--", as dbmate's markers may be.
        for (spelling, transactional) in [
            ("--migrator:no-transaction", false), ("--\tmigrator:no-transaction ", false), ("-- migrator:no-transactions", true),
            ("-- migrator: no-transaction", true),
        ] {
            try write("1_idx.up.sql", spelling + "\nCREATE INDEX CONCURRENTLY i ON t (x);\n")
            XCTAssertEqual(try MigrationSource.load(directory: dir)[0].up.transactional, transactional, spelling)
        }
    }

    struct CRLFCase {
        let name: String
        let file: String
        let text: String
        var upText: String? = nil
        var firstLines: [Int]? = nil // of the up section, then the down section
        var transactional: [Bool]? = nil // of the up section, then the down section
        var problem: (file: String, reason: String)? = nil
    }

    /// Files saved with Windows line endings: "\r\n" is one Character in Swift, so lines are found on bytes.
    func testCRLFLineEndingsInBothLayouts() throws {
        let cases: [CRLFCase] = [
            CRLFCase(
                name: "dbmate layout", file: "1_a.sql",
                text: "-- migrate:up\r\nCREATE TABLE a (x int);\r\n\r\n-- migrate:down\r\nDROP TABLE a;\r\n",
                upText: "CREATE TABLE a (x int);\r\n\r", firstLines: [2, 5], transactional: [true, true]),
            CRLFCase(
                name: "dbmate layout, transaction:false", file: "1_a.sql",
                text:
                    "-- migrate:up transaction:false\r\nCREATE INDEX CONCURRENTLY i ON t (x);\r\n-- migrate:down transaction:false\r\nDROP INDEX CONCURRENTLY i;\r\n",
                upText: "CREATE INDEX CONCURRENTLY i ON t (x);\r", firstLines: [2, 4], transactional: [false, false]),
            CRLFCase(
                name: "up/down layout, no-transaction directive", file: "1_a.up.sql",
                text: "-- migrator:no-transaction\r\nCREATE INDEX CONCURRENTLY i ON t (x);\r\n",
                upText: "-- migrator:no-transaction\r\nCREATE INDEX CONCURRENTLY i ON t (x);\r\n", firstLines: [1], transactional: [false]),
            CRLFCase(
                name: "dbmate layout, unknown directive", file: "1_a.sql",
                text: "-- migrate:up\r\nSELECT 1;\r\n-- migrate:sideways\r\n",
                problem: ("1_a.sql", "unknown directive on line 3: -- migrate:sideways")),
            CRLFCase(
                name: "up/down layout, dotted name", file: "0002_1.7.0_schema.up.sql",
                text: "BEGIN;\r\nSELECT 1;\r\nCOMMIT;\r\n",
                upText: "BEGIN;\r\nSELECT 1;\r\nCOMMIT;\r\n", firstLines: [1], transactional: [true]),
            // dbmate reads a marker with any white space, or none, after "--" (checked against dbmate 2.37).
            CRLFCase(
                name: "dbmate layout, no space after --", file: "1_a.sql",
                text: "--migrate:up\r\nCREATE TABLE a (x int);\r\n--migrate:down\r\nDROP TABLE a;\r\n",
                upText: "CREATE TABLE a (x int);\r", firstLines: [2, 4], transactional: [true, true]),
            CRLFCase(
                name: "dbmate layout, a tab and two spaces after --", file: "1_a.sql",
                text: "--\tmigrate:up\ttransaction:false\nCREATE INDEX CONCURRENTLY i ON t (x);\n--  migrate:down\nDROP INDEX i;\n",
                upText: "CREATE INDEX CONCURRENTLY i ON t (x);", firstLines: [2, 4], transactional: [false, true]),
            CRLFCase(
                name: "dbmate layout, empty up section", file: "1_a.sql",
                text: "-- migrate:up\r\n-- nothing\r\n\r\n-- migrate:down\r\nSELECT 1;\r\n",
                problem: ("1_a.sql", "the -- migrate:up section is empty")),
        ]
        for c in cases {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
                try FileManager.default.removeItem(atPath: dir + "/" + name)
            }
            try write(c.file, c.text)
            if let problem = c.problem {
                XCTAssertThrowsError(try MigrationSource.load(directory: dir), c.name) { error in
                    guard let error = error as? MigrationFileError else { return XCTFail("\(c.name): \(error)") }
                    XCTAssertTrue(
                        error.problems.contains { $0.file == dir + "/" + problem.file && $0.reason.contains(problem.reason) },
                        "\(c.name): \(error)")
                }
                continue
            }
            let migrations = try MigrationSource.load(directory: dir)
            XCTAssertEqual(migrations.count, 1, c.name)
            guard let m = migrations.first else { continue }
            XCTAssertEqual(m.up.text, c.upText, c.name)
            XCTAssertEqual([m.up.firstLine] + (m.down.map { [$0.firstLine] } ?? []), c.firstLines, c.name)
            XCTAssertEqual([m.up.transactional] + (m.down.map { [$0.transactional] } ?? []), c.transactional, c.name)
        }
    }

    func testCommentsBeforeMigrateUpAreFine() throws {
        try write("1_a.sql", "-- Adds the a table.\n/* ticket 42 */\n\n-- migrate:up\nCREATE TABLE a (x int);\n")
        XCTAssertEqual(try MigrationSource.load(directory: dir).map(\.version), [1])
    }

    func testAByteOrderMarkIsDropped() throws {
        let bom = Data([0xEF, 0xBB, 0xBF])
        _ = FileManager.default.createFile(atPath: dir + "/1_a.sql", contents: bom + Data("-- migrate:up\nCREATE TABLE a (x int);\n".utf8))
        _ = FileManager.default.createFile(
            atPath: dir + "/2_b.up.sql", contents: bom + Data("-- migrator:no-transaction\nCREATE INDEX CONCURRENTLY i ON a (x);\n".utf8))
        _ = FileManager.default.createFile(atPath: dir + "/3_c.up.sql", contents: bom + Data("CREATE TABLE c (x int);\n".utf8))
        let migrations = try MigrationSource.load(directory: dir)
        XCTAssertEqual(migrations.map(\.up.transactional), [true, false, true])
        XCTAssertEqual(migrations[2].up.text, "CREATE TABLE c (x int);\n")
    }

    func testNamesWithDotsAndZeroPaddedVersionsKeepTheirSpelling() throws {
        try write("0002_1.7.0_schema.up.sql", "SELECT 1;")
        try write("0002_1.7.0_schema.down.sql", "SELECT 2;")
        try write("20260301090500_users.v2.sql", "-- migrate:up\nSELECT 3;\n")
        let migrations = try MigrationSource.load(directory: dir)
        XCTAssertEqual(migrations.map(\.version), [2, 20260301090500])
        XCTAssertEqual(migrations.map(\.label), ["0002_1.7.0_schema", "20260301090500_users.v2"])
        XCTAssertEqual(migrations[0].down?.text, "SELECT 2;")
        XCTAssertNil(migrations[0].note)
    }

    func testUpAndDownPairByVersionWhenTheirNamesDiffer() throws {
        try write("64_collection_pub_magic_metadata.up.sql", "ALTER TABLE c ADD COLUMN m jsonb;")
        try write("64_collection_drop_pub_magic_metadata.down.sql", "ALTER TABLE c DROP COLUMN m;")
        let m = try XCTUnwrap(MigrationSource.load(directory: dir).first)
        XCTAssertEqual(m.label, "64_collection_pub_magic_metadata")
        XCTAssertEqual(m.down?.text, "ALTER TABLE c DROP COLUMN m;")
        XCTAssertEqual(m.note, "its down file 64_collection_drop_pub_magic_metadata.down.sql has another name; paired by version")
    }

    func testNewestVersionComesFromTheNamesEvenWhenAFileIsBad() throws {
        try write("20991231000000_future.sql", "-- migrate:up\n\n-- migrate:down\n") // an empty template: invalid
        try write("5_a.up.sql", "SELECT 1;")
        XCTAssertEqual(MigrationSource.newestVersion(directory: dir), 20991231000000)
        let paths = try MigrationTemplate.create(name: "next", directory: dir, layout: .single)
        XCTAssertEqual(paths, [dir + "/20991231000001_next.sql"])
    }

    func testLineEndingsDoNotChangeTheChecksum() throws {
        try write("1_a.up.sql", "CREATE TABLE a (x int);\nSELECT 'a\rb';\n")
        let lf = try MigrationSource.load(directory: dir)[0]
        try write("1_a.up.sql", "CREATE TABLE a (x int);\r\nSELECT 'a\rb';\r\n")
        let crlf = try MigrationSource.load(directory: dir)[0]
        XCTAssertEqual(crlf.checksum, lf.checksum)
        XCTAssertNotEqual(crlf.exactChecksum, lf.exactChecksum)
        XCTAssertTrue(crlf.matches(checksum: crlf.exactChecksum), "what earlier versions recorded for the CRLF file")
        XCTAssertTrue(lf.matches(checksum: crlf.checksum))
        try write("1_a.up.sql", "CREATE TABLE a (x int);\nSELECT 'a\nb';\n")
        XCTAssertFalse(try MigrationSource.load(directory: dir)[0].matches(checksum: lf.checksum), "a lone CR is content")
    }

    func testChecksumIsTheSHA256OfTheUpText() throws {
        try write("1_a.up.sql", "SELECT 1;\n")
        let first = try MigrationSource.load(directory: dir)[0].checksum
        try write("1_a.up.sql", "SELECT 2;\n")
        XCTAssertNotEqual(try MigrationSource.load(directory: dir)[0].checksum, first)
        XCTAssertEqual(first, "b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd") // sha256sum of the same bytes
    }

    /// Known values, so that a change in how files are read cannot change what a database migrated before
    /// has recorded: sha256sum of each up section's bytes, as computed outside the migrator.
    func testChecksumsOfDbmateSectionsStayAsRecorded() throws {
        try write("1_lf.sql", "-- migrate:up\nCREATE TABLE t (x int);\n\n-- migrate:down\nDROP TABLE t;\n")
        try write("2_crlf.sql", "-- migrate:up\r\nCREATE TABLE t (x int);\r\n\r\n-- migrate:down\r\nDROP TABLE t;\r\n")
        try write("3_notx.sql", "\u{FEFF}-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY t_x ON t (x);\n-- migrate:down\n")
        let m = try MigrationSource.load(directory: dir)
        let lf = "af056ff8cbf6bb40effb8920e184f2eaf0b40f2eadc0ffa125e66952e89bf8f3" // of "CREATE TABLE t (x int);\n"
        XCTAssertEqual([m[0].checksum, m[0].exactChecksum], [lf, lf])
        // The CRLF file: "CREATE TABLE t (x int);\r\n\r" as read, and the LF file's checksum once normalized.
        XCTAssertEqual(
            [m[1].checksum, m[1].exactChecksum], [lf, "4380c124e64b61514f7233fb46cd73a1d18f13fc510adbb588c85fc09192675e"])
        // After a byte order mark, with transaction:false: of "CREATE INDEX CONCURRENTLY t_x ON t (x);".
        let notx = "cfad50c0cf4dbcffffb9d68562cea41f5ba75a3f19f42742200b8aa388aa5013"
        XCTAssertEqual([m[2].checksum, m[2].exactChecksum], [notx, notx])
        XCTAssertFalse(m[2].up.transactional)
        XCTAssertEqual(m[2].down.map(\.byteCount), 0)
    }

    struct BadCase {
        let name: String
        let files: [(String, Data)]
        let reason: String
    }

    func testEveryKindOfBadFileIsReportedTogether() throws {
        let cases: [BadCase] = [
            BadCase(
                name: "duplicate version across layouts",
                files: [("5_a.up.sql", Data("SELECT 1;".utf8)), ("5_b.sql", Data("-- migrate:up\nSELECT 1;".utf8))],
                reason: "version 5 is also used by"),
            BadCase(name: "malformed name", files: [("abc.sql", Data("SELECT 1;".utf8))], reason: "not a migration name"),
            BadCase(name: "no name", files: [("7.up.sql", Data("SELECT 1;".utf8))], reason: "not a migration name"),
            BadCase(
                name: "version too large", files: [("9223372036854775808_big.up.sql", Data("SELECT 1;".utf8))],
                reason: "is larger than 9223372036854775807"),
            BadCase(
                name: "two up files for one version",
                files: [("15_a.up.sql", Data("SELECT 1;".utf8)), ("0015_b.up.sql", Data("SELECT 1;".utf8))],
                reason: "version 15 is also used by"),
            BadCase(
                name: "down without up", files: [("8_lonely.down.sql", Data("DROP TABLE x;".utf8))],
                reason: "a down migration without its up migration"),
            BadCase(name: "empty up", files: [("9_empty.up.sql", Data("-- only a comment\n\n".utf8))], reason: "the up migration is empty"),
            BadCase(
                name: "empty dbmate up", files: [("10_empty.sql", Data("-- migrate:up\n\n-- migrate:down\nDROP TABLE x;".utf8))],
                reason: "the -- migrate:up section is empty"),
            BadCase(
                name: "no migrate:up", files: [("11_nomarker.sql", Data("CREATE TABLE x (y int);".utf8))], reason: "no -- migrate:up line"),
            BadCase(
                name: "non-UTF-8", files: [("12_latin1.up.sql", Data([0x53, 0x45, 0x4c, 0xe9, 0xff, 0x3b]))], reason: "is not valid UTF-8"),
            BadCase(
                name: "NUL byte, which libpq would end the SQL at",
                files: [("16_nul.up.sql", Data("CREATE TABLE a (x int);\n\u{0}CREATE TABLE b (x int);\n".utf8))],
                reason: "has a NUL byte on line 2, which SQL cannot contain"),
            BadCase(
                name: "UTF-16 without a byte order mark",
                files: [("17_utf16.up.sql", "SELECT 1;\n".data(using: .utf16LittleEndian)!)],
                reason: "has a NUL byte on line 1, which SQL cannot contain (a UTF-16 file? save it as UTF-8)"),
            BadCase(
                name: "UTF-16 with a byte order mark",
                files: [("18_utf16bom.up.sql", Data([0xFF, 0xFE]) + "SELECT 1;\n".data(using: .utf16LittleEndian)!)],
                reason: "is not valid UTF-8 (it is UTF-16: save it as UTF-8)"),
            BadCase(
                name: "upper-case extension, which would be passed over", files: [("19_shout.up.SQL", Data("SELECT 1;".utf8))],
                reason: "ends in .SQL, not .sql: rename it, or it never runs"),
            BadCase(
                name: "SQL before migrate:up",
                files: [("13_early.sql", Data("CREATE TABLE lost (x int);\n-- migrate:up\nCREATE TABLE kept (x int);\n".utf8))],
                reason: "SQL before the -- migrate:up line (line 2) belongs to no section"),
            BadCase(
                name: "separate down of a single-file migration",
                files: [
                    ("14_one.sql", Data("-- migrate:up\nCREATE TABLE o (x int);\n".utf8)), ("14_one.down.sql", Data("DROP TABLE o;".utf8)),
                ],
                reason: "14_one.sql is a single-file migration: put this down SQL in its -- migrate:down section"),
        ]
        for c in cases {
            for (name, data) in c.files { _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: data) }
        }
        try write("100_fine.up.sql", "SELECT 1;")
        XCTAssertThrowsError(try MigrationSource.load(directory: dir)) { error in
            guard let error = error as? MigrationFileError else { return XCTFail("\(error)") }
            for c in cases {
                XCTAssertTrue(
                    error.problems.contains { problem in
                        problem.reason.contains(c.reason) && c.files.contains(where: { f in problem.file.hasSuffix(f.0) })
                    },
                    "\(c.name) not reported; got:\n\(error)")
            }
            XCTAssertFalse(error.problems.contains { $0.file.hasSuffix("100_fine.up.sql") })
            XCTAssertTrue(error.description.contains("nothing was applied"))
        }
    }

    func testUnreadableFileIsReported() throws {
        guard getuid() != 0 else {
            // root reads any file; check the unreadable path with a directory in the file's place instead.
            try FileManager.default.createDirectory(atPath: dir + "/1_dir.up.sql", withIntermediateDirectories: true)
            XCTAssertThrowsError(try MigrationSource.load(directory: dir)) { error in
                XCTAssertTrue("\(error)".contains("1_dir.up.sql: cannot be read: Is a directory"), "\(error)")
            }
            return
        }
        try write("1_locked.up.sql", "SELECT 1;")
        chmod(dir + "/1_locked.up.sql", 0)
        XCTAssertThrowsError(try MigrationSource.load(directory: dir)) { error in
            XCTAssertTrue("\(error)".contains("1_locked.up.sql: cannot be read: Permission denied"), "\(error)")
        }
    }

    /// Files are read through a 64 KiB scratch buffer; larger ones grow past it. Both must come back whole,
    /// at and around the buffer's edge, and multi-byte characters split across reads must survive.
    func testFilesAroundTheReadBufferComeBackWhole() throws {
        let line = "INSERT INTO t VALUES ('\u{00E9}t\u{00E9} \u{1F600}');\n" // 2-, 2- and 4-byte characters
        let sizes = [0, 1, 65_535, 65_536, 65_537, 200_000, 1_100_000]
        for (i, size) in sizes.enumerated() {
            var text = "CREATE TABLE t (x text);\n"
            while text.utf8.count + line.utf8.count <= size { text += line }
            while text.utf8.count < size { text += " " }
            try write("\(i + 1)_size_\(size).up.sql", text)
        }
        let migrations = try MigrationSource.load(directory: dir)
        XCTAssertEqual(migrations.count, sizes.count)
        for (i, size) in sizes.enumerated() {
            let onDisk = try String(contentsOfFile: dir + "/\(i + 1)_size_\(size).up.sql", encoding: .utf8)
            XCTAssertEqual(migrations[i].up.text, onDisk, "size \(size)")
            XCTAssertEqual(migrations[i].up.text.utf8.count, max(size, onDisk.utf8.count), "size \(size)")
        }
    }

    func testMissingDirectory() {
        XCTAssertThrowsError(try MigrationSource.load(directory: dir + "/nope")) { error in
            XCTAssertTrue("\(error)".contains("no such directory"))
        }
    }

    func testLocationMapping() {
        let section = SQLSection(text: "CREATE TABLE a (x int);\nSELECT é FROM nope;\n", file: "f.sql", firstLine: 10, transactional: true)
        // "nope" is the 40th code point: 24 of line one (with its newline), then "SELECT é FROM " is 14.
        XCTAssertEqual(section.location(ofCharacter: 1).line, 10)
        XCTAssertEqual(section.location(ofCharacter: 1).column, 1)
        let l = section.location(ofCharacter: 24 + 15)
        XCTAssertEqual(l.line, 11)
        XCTAssertEqual(l.column, 15)
        // With an offset, positions are relative to a statement that starts later in the section.
        let m = section.location(ofCharacter: 1, offset: 24)
        XCTAssertEqual(m.line, 11)
        XCTAssertEqual(m.column, 1)
    }
}
