import Foundation
import Postgres
import TestSupport
import XCTest

final class ConnectionTests: XCTestCase {
    var stack: LocalStack!
    var database: String!

    override func setUpWithError() throws {
        stack = try LocalStack.current()
        database = "pgtest_" + UUID().uuidString.prefix(8).lowercased()
        try Connection(stack.databaseURL).exec("CREATE DATABASE \(database!)")
    }

    override func tearDownWithError() throws {
        try Connection(stack.databaseURL).exec("DROP DATABASE IF EXISTS \(database!) WITH (FORCE)")
    }

    func connect() throws -> Connection {
        try Connection(stack.databaseURL(database: database), connectTimeout: 5, applicationName: "postgres-tests")
    }

    func testCreateInsertWithParametersAndReadBack() throws {
        let db = try connect()
        try db.exec("CREATE TABLE people (id serial PRIMARY KEY, name text NOT NULL, note text); CREATE INDEX ON people (name)")
        let inserted = try db.query(
            "INSERT INTO people (name, note) VALUES ($1, $2), ($3, $4)",
            ["Ada", "it's; \"quoted\"", "Émile", nil])
        XCTAssertEqual(inserted.affectedRows, 2)
        let rows = try db.query("SELECT name, note FROM people WHERE id > $1 ORDER BY id", ["0"])
        XCTAssertEqual(rows.columns, ["name", "note"])
        XCTAssertEqual(rows.rows.count, 2)
        XCTAssertEqual(rows.rows[0], ["Ada", "it's; \"quoted\""])
        XCTAssertEqual(rows.rows[1], ["Émile", nil])
        XCTAssertEqual(rows.value("name", row: 1), "Émile")
    }

    func testSimpleQueryRunsSeveralStatementsAndReturnsTheLast() throws {
        let db = try connect()
        let result = try db.exec("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2); SELECT sum(x) AS total FROM t;")
        XCTAssertEqual(result.value("total"), "3")
    }

    func testAFailingStatementOfSeveralIsNamedByItsIndexAndTheSessionGoesOn() throws {
        let db = try connect()
        XCTAssertThrowsError(try db.exec("CREATE TABLE t (x int); SELECT 1;; INSERT INTO t VALUES (1/0); SELECT 2")) { error in
            let error = error as! PostgresError
            XCTAssertEqual(error.sqlState, "22012")
            XCTAssertEqual(error.statementIndex, 2, "the empty statement between ;; is no statement")
            XCTAssertNil(error.position)
        }
        XCTAssertEqual(try db.exec("SELECT to_regclass('t') IS NULL AS gone").value("gone"), "t", "one implicit transaction")
        XCTAssertEqual(try db.exec("SELECT 7 AS n").value("n"), "7")
    }

    func testNoticesFromADoBlockReachTheHandler() throws {
        let db = try connect()
        var notices: [Notice] = []
        db.onNotice = { notices.append($0) }
        try db.exec(
            """
            DO $$ BEGIN
              RAISE NOTICE 'first %', 1;
              RAISE WARNING 'careful' USING HINT = 'a hint';
            END $$;
            """)
        XCTAssertEqual(notices.map(\.message), ["first 1", "careful"])
        XCTAssertEqual(notices.map(\.severity), ["NOTICE", "WARNING"])
        XCTAssertEqual(notices.last?.hint, "a hint")
    }

    func testMissingTableGives42P01WithItsPosition() throws {
        let db = try connect()
        let sql = "SELECT 1;\nSELECT * FROM no_such_table"
        XCTAssertThrowsError(try db.exec(sql)) { error in
            guard let error = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .query)
            XCTAssertEqual(error.sqlState, "42P01")
            XCTAssertEqual(error.message, "relation \"no_such_table\" does not exist")
            // 1-based character index of "no_such_table" in the whole query string.
            let expected = sql.distance(from: sql.startIndex, to: sql.range(of: "no_such_table")!.lowerBound) + 1
            XCTAssertEqual(error.position, expected)
            XCTAssertEqual(error.severity, "ERROR")
        }
        // The session survives a statement error.
        XCTAssertEqual(try db.exec("SELECT 2 AS two").value("two"), "2")
    }

    func testErrorsCarryDetailAndHint() throws {
        let db = try connect()
        try db.exec("CREATE TABLE u (id int PRIMARY KEY); INSERT INTO u VALUES (1)")
        XCTAssertThrowsError(try db.query("INSERT INTO u VALUES ($1)", ["1"])) { error in
            let error = error as! PostgresError
            XCTAssertEqual(error.sqlState, "23505")
            XCTAssertEqual(error.detail, "Key (id)=(1) already exists.")
            XCTAssertTrue(error.description.contains("DETAIL: Key (id)=(1) already exists."))
        }
        XCTAssertThrowsError(try db.exec("SELECT * FROM u WHERE idd = 1")) { error in
            let error = error as! PostgresError
            XCTAssertEqual(error.sqlState, "42703")
            XCTAssertNotNil(error.hint)
        }
    }

    func testApplicationNameIsAFallback() throws {
        let db = try connect()
        XCTAssertEqual(try db.exec("SHOW application_name").rows.first?.first, "postgres-tests")
        let named = try Connection(stack.databaseURL(database: database) + "?application_name=mine", applicationName: "fallback")
        XCTAssertEqual(try named.exec("SHOW application_name").rows.first?.first, "mine")
    }

    func testSessionFacts() throws {
        let db = try connect()
        XCTAssertEqual(db.database, database)
        XCTAssertEqual(db.user, "postgres")
        XCTAssertGreaterThanOrEqual(db.serverVersion, 150000)
        XCTAssertEqual(try db.exec("SELECT pg_backend_pid() AS pid").value("pid"), String(db.backendPID))
        XCTAssertEqual(try db.quoteIdentifier("we\"ird"), "\"we\"\"ird\"")
        XCTAssertEqual(try db.quoteLiteral("it's"), "'it''s'")
    }

    func testKeywordValueConnectionStringsWork() throws {
        let conninfo =
            "host=127.0.0.1 port=\(stack.environment["LOCAL_STACK_PG_PORT"]!) dbname=\(database!) user=postgres password='\(stack.postgresPassword)'"
        XCTAssertEqual(try Connection(conninfo).exec("SELECT 1 AS one").value("one"), "1")
    }

    func testResidentMemoryStaysFlatOverTenThousandQueries() throws {
        let db = try connect()
        try db.exec("CREATE TABLE m (id int, v text); INSERT INTO m SELECT g, md5(g::text) FROM generate_series(1, 20) g")
        for i in 0..<1000 { _ = try db.query("SELECT v FROM m WHERE id <= $1", [String(i % 20)]) } // warm-up
        let before = HostResources.residentKB()
        for i in 0..<10_000 { _ = try db.query("SELECT v FROM m WHERE id <= $1", [String(i % 20)]) }
        let after = HostResources.residentKB()
        XCTAssertLessThan(after - before, 2048, "RSS grew from \(before) kB to \(after) kB")
    }
}
