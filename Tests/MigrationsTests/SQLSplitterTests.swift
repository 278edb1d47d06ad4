import Migrations
import XCTest

final class SQLSplitterTests: XCTestCase {
    struct Case {
        let name: String
        let sql: String
        let statements: [String]
        var lines: [Int]? = nil
    }

    let cases: [Case] = [
        Case(
            name: "two plain statements", sql: "CREATE TABLE a (x int);\nCREATE TABLE b (y int);",
            statements: ["CREATE TABLE a (x int)", "CREATE TABLE b (y int)"], lines: [1, 2]),
        Case(
            name: "last statement without semicolon", sql: "SELECT 1;\nSELECT 2\n",
            statements: ["SELECT 1", "SELECT 2"]),
        Case(name: "empty statements dropped", sql: ";;\n  ;SELECT 1;;  \n", statements: ["SELECT 1"]),
        Case(name: "only comments", sql: "-- nothing here;\n/* nor; here */\n", statements: []),
        Case(
            name: "semicolon in single quotes", sql: "INSERT INTO t VALUES ('a;b');SELECT 2",
            statements: ["INSERT INTO t VALUES ('a;b')", "SELECT 2"]),
        Case(
            name: "doubled single quote", sql: "SELECT 'it''s; fine';SELECT 3",
            statements: ["SELECT 'it''s; fine'", "SELECT 3"]),
        Case(
            name: "E string with backslash-escaped quote", sql: "SELECT E'a\\';b';SELECT 4",
            statements: ["SELECT E'a\\';b'", "SELECT 4"]),
        Case(
            name: "backslash in a standard string is literal", sql: "SELECT 'a\\';SELECT 5",
            statements: ["SELECT 'a\\'", "SELECT 5"]),
        Case(
            name: "identifier ending in e is not an E string", sql: "SELECT some_e'x';SELECT 6",
            statements: ["SELECT some_e'x'", "SELECT 6"]),
        Case(
            name: "quoted identifier", sql: "CREATE TABLE \"we;ird\"\"name\" (x int);SELECT 7",
            statements: ["CREATE TABLE \"we;ird\"\"name\" (x int)", "SELECT 7"]),
        Case(
            name: "line comment", sql: "SELECT 1 -- not the end; really\n;SELECT 8",
            statements: ["SELECT 1 -- not the end; really", "SELECT 8"]),
        Case(
            name: "nested block comments", sql: "SELECT /* a /* b; */ c; */ 1;SELECT 9",
            statements: ["SELECT /* a /* b; */ c; */ 1", "SELECT 9"]),
        Case(
            name: "dollar quotes", sql: "DO $$ BEGIN PERFORM 1; END $$;SELECT 10",
            statements: ["DO $$ BEGIN PERFORM 1; END $$", "SELECT 10"]),
        Case(
            name: "tagged dollar quotes with $$ inside",
            sql: "CREATE FUNCTION f() RETURNS text AS $fn$ SELECT $$;$$; $fn$ LANGUAGE sql;SELECT 11",
            statements: ["CREATE FUNCTION f() RETURNS text AS $fn$ SELECT $$;$$; $fn$ LANGUAGE sql", "SELECT 11"]),
        Case(
            name: "positional parameters are not dollar quotes", sql: "PREPARE p AS SELECT $1;EXECUTE p(1)",
            statements: ["PREPARE p AS SELECT $1", "EXECUTE p(1)"]),
        Case(
            name: "dollar inside an identifier", sql: "SELECT a$b$c FROM t;SELECT 12",
            statements: ["SELECT a$b$c FROM t", "SELECT 12"]),
        Case(
            name: "line numbers after multi-line strings",
            sql: "SELECT 'x\ny';\n\n/* c\n */ SELECT 2;\n  SELECT 3",
            statements: ["SELECT 'x\ny'", "/* c\n */ SELECT 2", "SELECT 3"], lines: [1, 5, 6]),
        Case(
            name: "a statement's line is that of its code, not of the comment before it",
            sql: "-- migrator:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- next\n\nDROP TABLE u",
            statements: ["-- migrator:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a)", "-- next\n\nDROP TABLE u"], lines: [2, 5]),
        Case(
            name: "create index concurrently pair",
            sql: "CREATE INDEX CONCURRENTLY i1 ON t (a);\nCREATE INDEX CONCURRENTLY i2 ON t (b);\n",
            statements: ["CREATE INDEX CONCURRENTLY i1 ON t (a)", "CREATE INDEX CONCURRENTLY i2 ON t (b)"], lines: [1, 2]),
        Case(name: "unterminated quote runs to the end", sql: "SELECT 'abc; def", statements: ["SELECT 'abc; def"]),
        Case(
            name: "CRLF line endings", sql: "SELECT 1;\r\n-- c;\r\nSELECT 2;\r\n\r\nCREATE TABLE a (x int)\r\n;\r\n",
            statements: ["SELECT 1", "-- c;\r\nSELECT 2", "CREATE TABLE a (x int)"], lines: [1, 3, 5]),
        Case(name: "CRLF comments only", sql: "-- a;\r\n/* b;\r\n */\r\n;\r\n", statements: []),
        Case(
            name: "SQL-standard function body with CASE inside",
            sql:
                "CREATE FUNCTION f(i int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN i > 0 THEN 1 ELSE 0 END;\n  SELECT i;\nEND;\nSELECT 13",
            statements: [
                "CREATE FUNCTION f(i int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN i > 0 THEN 1 ELSE 0 END;\n  SELECT i;\nEND",
                "SELECT 13",
            ],
            lines: [1, 6]),
        Case(
            name: "create or replace procedure, lower case, comment between begin and atomic",
            sql: "create or replace procedure p() language sql begin /* ; */ atomic insert into t values (1); end;select 14",
            statements: ["create or replace procedure p() language sql begin /* ; */ atomic insert into t values (1); end", "select 14"]),
        Case(
            name: "end as a column alias or a qualified name inside a body",
            sql: "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1 AS end; SELECT t.end FROM t; END;SELECT 19",
            statements: [
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1 AS end; SELECT t.end FROM t; END", "SELECT 19",
            ]),
        Case(
            name: "a routine named begin, and a body that only returns",
            sql: "CREATE FUNCTION begin() RETURNS int LANGUAGE sql RETURN 1;SELECT 15",
            statements: ["CREATE FUNCTION begin() RETURNS int LANGUAGE sql RETURN 1", "SELECT 15"]),
        Case(
            name: "transaction blocks outside routines still split",
            sql: "BEGIN;CREATE TABLE begin_atomic (x int);END;CREATE TRIGGER tr BEFORE INSERT ON t EXECUTE FUNCTION f();SELECT 16",
            statements: [
                "BEGIN", "CREATE TABLE begin_atomic (x int)", "END", "CREATE TRIGGER tr BEFORE INSERT ON t EXECUTE FUNCTION f()",
                "SELECT 16",
            ]),
        Case(
            name: "semicolons inside parentheses, as in a rule with several actions",
            sql: "CREATE RULE r AS ON INSERT TO a DO ALSO (INSERT INTO b VALUES (1); INSERT INTO b VALUES (2));SELECT 17",
            statements: ["CREATE RULE r AS ON INSERT TO a DO ALSO (INSERT INTO b VALUES (1); INSERT INTO b VALUES (2))", "SELECT 17"]),
        Case(
            name: "a stray closing parenthesis does not swallow the next statements",
            sql: "SELECT 1);SELECT 18", statements: ["SELECT 1)", "SELECT 18"]),
        Case(name: "non-ASCII white space", sql: "\u{00A0}SELECT 1\u{2003};\u{3000}", statements: ["SELECT 1"]),
    ]

    func testCases() {
        for c in cases {
            let got = SQLSplitter.split(c.sql)
            XCTAssertEqual(got.map(\.text), c.statements, c.name)
            if let lines = c.lines { XCTAssertEqual(got.map(\.line), lines, c.name) }
            XCTAssertEqual(SQLSplitter.hasCode(c.sql), !c.statements.isEmpty, c.name)
        }
    }

    func testOffsetsPointAtTheStatementInTheSection() {
        let sql = "SELECT 1;\n  SELECT é, 2;"
        let statements = SQLSplitter.split(sql)
        let scalars = Array(sql.unicodeScalars)
        for s in statements {
            let slice = String(String.UnicodeScalarView(scalars[s.offset..<(s.offset + s.text.unicodeScalars.count)]))
            XCTAssertEqual(slice, s.text)
        }
    }
}
