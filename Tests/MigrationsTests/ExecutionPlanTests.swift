import Postgres
import TestSupport
import XCTest
@testable import Migrations

/// How a section runs is decided from its SQL: the strongest guarantee the SQL allows.
final class ExecutionPlanTests: XCTestCase {
    enum Expected: Equatable {
        case transaction(begin: String)
        case statements(note: String?)
    }

    struct Case {
        let name: String
        let sql: String
        var transactional = true
        let expected: Expected
    }

    static let cases: [Case] = [
        Case(name: "plain DDL", sql: "CREATE TABLE a (id int);\nCREATE INDEX ON a (id);\n", expected: .transaction(begin: "BEGIN")),
        Case(name: "wrapped by hand", sql: "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n", expected: .transaction(begin: "BEGIN")),
        Case(
            name: "wrapped, lower case, BEGIN TRANSACTION and END", sql: "begin transaction;\ncreate table a (id int);\nend;",
            expected: .transaction(begin: "begin transaction")),
        Case(
            name: "wrapped with an isolation level", sql: "START TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nSELECT 1;\nCOMMIT WORK;\n",
            expected: .transaction(begin: "START TRANSACTION ISOLATION LEVEL SERIALIZABLE")),
        Case(
            name: "wrapped, with savepoints inside",
            sql: "BEGIN;\nSAVEPOINT s;\nSELECT 1;\nROLLBACK TO SAVEPOINT s;\nRELEASE s;\nCOMMIT;\n",
            expected: .transaction(begin: "BEGIN")),
        Case(
            name: "wrapped, comments around", sql: "-- header\nBEGIN;\nSELECT 1;\nCOMMIT;\n-- trailer\n",
            expected: .transaction(begin: "-- header\nBEGIN")),
        Case(
            name: "function body with BEGIN and END in dollar quotes",
            sql: "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN COMMIT; RETURN 1; END $$;",
            expected: .transaction(begin: "BEGIN")),
        Case(
            name: "BEGIN ATOMIC body", sql: "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
            expected: .transaction(begin: "BEGIN")),
        Case(
            name: "words in strings, comments and identifiers",
            sql: """
                SELECT 'CREATE INDEX CONCURRENTLY x ON y (z); VACUUM; COMMIT;';
                -- VACUUM; COMMIT;
                /* CREATE DATABASE x; BEGIN; */
                CREATE TABLE "vacuum" ("commit" int, concurrently int);
                SELECT $q$ DROP DATABASE x; $q$;
                """, expected: .transaction(begin: "BEGIN")),
        Case(
            name: "REFRESH MATERIALIZED VIEW CONCURRENTLY runs in a transaction block", sql: "REFRESH MATERIALIZED VIEW CONCURRENTLY v;",
            expected: .transaction(begin: "BEGIN")),
        Case(
            name: "lone CREATE INDEX CONCURRENTLY", sql: "CREATE INDEX CONCURRENTLY i ON a (x);",
            expected: .statements(
                note: "runs outside a transaction, statement by statement: CREATE INDEX CONCURRENTLY (f.sql:1) cannot run inside one")),
        Case(
            name: "CREATE UNIQUE INDEX CONCURRENTLY after a comment", sql: "-- fast\n\nCREATE UNIQUE INDEX CONCURRENTLY i ON a (x);",
            expected: .statements(
                note: "runs outside a transaction, statement by statement: CREATE INDEX CONCURRENTLY (f.sql:3) cannot run inside one")),
        Case(
            name: "REINDEX with options", sql: "REINDEX (VERBOSE) TABLE CONCURRENTLY a;",
            expected: .statements(
                note: "runs outside a transaction, statement by statement: REINDEX CONCURRENTLY (f.sql:1) cannot run inside one")),
        Case(
            name: "VACUUM after DDL", sql: "CREATE TABLE a (id int);\nVACUUM ANALYZE a;",
            expected: .statements(note: "runs outside a transaction, statement by statement: VACUUM (f.sql:2) cannot run inside one")),
        Case(
            name: "two transaction blocks", sql: "BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nSELECT 2;\nCOMMIT;\n",
            expected: .statements(note: "runs outside a transaction, statement by statement: it controls its own transactions (f.sql:1)")),
        Case(
            name: "a COMMIT in the middle", sql: "CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n",
            expected: .statements(note: "runs outside a transaction, statement by statement: it controls its own transactions (f.sql:2)")),
        Case(
            name: "ends with ROLLBACK", sql: "BEGIN;\nSELECT 1;\nROLLBACK;\n",
            expected: .statements(note: "runs outside a transaction, statement by statement: it controls its own transactions (f.sql:1)")),
        Case(
            name: "COMMIT AND CHAIN", sql: "BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;\n",
            expected: .statements(note: "runs outside a transaction, statement by statement: it controls its own transactions (f.sql:1)")),
        Case(name: "the directive", sql: "CREATE TABLE a (id int);", transactional: false, expected: .statements(note: nil)),
    ]

    func testEachFileGetsTheStrongestGuaranteeItsSQLAllows() {
        for c in Self.cases {
            let section = SQLSection(text: c.sql, file: "f.sql", firstLine: 1, transactional: c.transactional)
            let plan = ExecutionPlan(section)
            switch plan.mode {
            case .transaction(let begin, let body):
                XCTAssertEqual(Expected.transaction(begin: begin), c.expected, c.name)
                XCTAssertNil(plan.note, c.name)
                // What runs is the file's own text, and nothing that controls transactions: the whole file, or
                // what lies between its own BEGIN and COMMIT.
                let sql = section.text(body)
                XCTAssertTrue(c.sql.contains(sql), c.name)
                XCTAssertTrue(SQLSplitter.split(sql).allSatisfy { TransactionControl($0) == nil }, c.name)
                if !plan.isWrapped { XCTAssertEqual(sql, c.sql, c.name) }
                // Positions stay those of the file: every character the server could point at in the body maps
                // to its own line and column.
                let offset = section.codePoints(before: body.lowerBound)
                let bodyScalars = Array(sql.unicodeScalars)
                let before = Array(c.sql.unicodeScalars.prefix(offset))
                for (i, scalar) in bodyScalars.enumerated() where scalar != "\n" {
                    let upTo = before + bodyScalars[..<i]
                    let line = 1 + upTo.filter { $0 == "\n" }.count
                    let column = 1 + (upTo.count - 1 - (upTo.lastIndex(of: "\n") ?? -1))
                    let location = section.location(ofCharacter: i + 1, offset: offset)
                    XCTAssertEqual([location.line, location.column], [line, column], "\(c.name): character \(i + 1) of the body")
                }
            case .statements(let statements):
                XCTAssertEqual(Expected.statements(note: plan.note), c.expected, c.name)
                XCTAssertEqual(Array(statements), SQLSplitter.split(c.sql), c.name)
            }
        }
    }

    func testAWrappedFileRunsItsBodyWithoutTheWrapper() {
        let section = SQLSection(text: "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n", file: "f.sql", firstLine: 1, transactional: true)
        let plan = ExecutionPlan(section)
        XCTAssertEqual(plan.mode, .transaction(begin: "BEGIN", body: 6..<32))
        XCTAssertEqual(section.text(6..<32), "\nCREATE TABLE a (id int);\n")
        XCTAssertTrue(plan.isWrapped)
    }

    /// Every kind of statement the rules send outside a transaction is one PostgreSQL 15 really refuses in a
    /// transaction block (SQLSTATE 25001), and the near misses are not refused for that reason.
    func testTheRulesMatchWhatPostgreSQLRefusesInATransactionBlock() throws {
        let stack = try LocalStack.current()
        let db = try Connection(stack.databaseURL, connectTimeout: 5)
        let refused = [
            "CREATE INDEX CONCURRENTLY ep_i ON ep_t (x)",
            "CREATE UNIQUE INDEX CONCURRENTLY ep_u ON ep_t (x)",
            "DROP INDEX CONCURRENTLY IF EXISTS ep_none",
            "REINDEX TABLE CONCURRENTLY ep_t",
            "REINDEX (VERBOSE) INDEX CONCURRENTLY ep_plain",
            "REINDEX SCHEMA public",
            "REINDEX DATABASE postgres",
            "REINDEX SYSTEM postgres",
            "VACUUM ep_t",
            "VACUUM (ANALYZE) ep_t",
            "CLUSTER",
            "CREATE DATABASE ep_never",
            "DROP DATABASE IF EXISTS ep_never",
            "ALTER DATABASE postgres SET TABLESPACE pg_default",
            "CREATE TABLESPACE ep_ts LOCATION '/nonexistent'",
            "DROP TABLESPACE IF EXISTS ep_ts",
            "ALTER SYSTEM SET work_mem = '4MB'",
            "DISCARD ALL",
            "COMMIT PREPARED 'ep_none'",
            "ROLLBACK PREPARED 'ep_none'",
            "ALTER TABLE ep_parent DETACH PARTITION ep_child CONCURRENTLY",
            "CREATE SUBSCRIPTION ep_sub CONNECTION 'dbname=none' PUBLICATION ep_pub",
        ]
        let allowed = [
            "CREATE INDEX ep_j ON ep_t (x)",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY ep_none",
            "REINDEX TABLE ep_t",
            "ALTER DATABASE postgres SET work_mem = '4MB'",
            "ALTER TABLE ep_parent DETACH PARTITION ep_none",
            "CLUSTER ep_t USING ep_plain",
            "ANALYZE ep_t",
            "DISCARD PLANS",
        ]
        try db.exec(
            "DROP TABLE IF EXISTS ep_t, ep_parent; CREATE TABLE ep_t (x int); CREATE INDEX ep_plain ON ep_t (x);"
                + " CREATE TABLE ep_parent (x int) PARTITION BY RANGE (x); CREATE TABLE ep_child PARTITION OF ep_parent FOR VALUES FROM (0) TO (10);"
        )
        defer { _ = try? db.exec("DROP TABLE IF EXISTS ep_t, ep_parent") }
        func sqlState(inBlock sql: String) -> String? {
            defer { _ = try? db.exec("ROLLBACK") }
            do {
                try db.exec("BEGIN")
                try db.exec(sql)
                return nil
            } catch let error as PostgresError {
                return error.sqlState
            } catch {
                return "\(error)"
            }
        }
        for sql in refused {
            XCTAssertNotNil(TransactionBlockRules.refusedStatement(SQLStatement(text: sql, line: 1, offset: 0)), "the rules miss: \(sql)")
            XCTAssertEqual(sqlState(inBlock: sql), "25001", "PostgreSQL does not refuse in a block: \(sql)")
        }
        for sql in allowed {
            XCTAssertNil(
                TransactionBlockRules.refusedStatement(SQLStatement(text: sql, line: 1, offset: 0)), "the rules wrongly catch: \(sql)")
            XCTAssertNotEqual(sqlState(inBlock: sql), "25001", "PostgreSQL refuses in a block: \(sql)")
        }
    }
}
