import XCTest

@testable import Migrations

/// A large section goes to the server in pieces: together exactly its SQL, each cut right after a
/// statement's semicolon, none much larger than the piece size unless one statement is.
final class QueryChunksTests: XCTestCase {
    func testPiecesAreTheSectionCutAfterWholeStatements() {
        var sql = "-- seed data\nCREATE TABLE t (id int, note text);\n"
        for i in 0..<40_000 {
            sql += i % 1000 == 0 ? "DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;\n" : "INSERT INTO t VALUES (\(i), 'a;b é');\n"
        }
        sql += "SELECT '" + String(repeating: "y", count: 3 << 20) + "';\n-- the end\n"
        let section = SQLSection(text: sql, file: "f.sql", firstLine: 1, transactional: true)
        let chunks = Array(QueryChunks(section: section, body: 0..<section.byteCount))
        XCTAssertGreaterThan(chunks.count, 2)
        XCTAssertEqual(chunks.first?.lowerBound, 0)
        XCTAssertEqual(chunks.last?.upperBound, section.byteCount)
        for (a, b) in zip(chunks, chunks.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
        let statements = Array(SQLStatements(section))
        let boundaries = Set(statements.map { $0.end - section.range.lowerBound })
        for chunk in chunks.dropLast() {
            XCTAssertTrue(boundaries.contains(chunk.upperBound), "\(chunk) ends inside a statement")
            XCTAssertEqual(section.text(chunk.upperBound - 1..<chunk.upperBound), ";")
        }
        // Split piece by piece, the statements are the section's.
        let pieces = chunks.flatMap { Array(SQLStatements(section, part: $0)) }
        XCTAssertEqual(pieces, statements)
        XCTAssertEqual(pieces, SQLSplitter.split(sql))
        // The one statement of 3 MiB goes alone; every other piece is about the piece size.
        XCTAssertEqual(chunks.filter { $0.count > QueryChunks.size + 100 }.count, 1)
    }

    func testASmallSectionGoesWhole() {
        let section = SQLSection(text: "SELECT 1; SELECT 2;", file: "f.sql", firstLine: 1, transactional: true)
        XCTAssertEqual(Array(QueryChunks(section: section, body: 3..<12)), [3..<12])
    }
}
