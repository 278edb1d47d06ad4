@testable import Migrations
import XCTest

final class SessionSettingsTests: XCTestCase {
    func testWhatMayChangeSessionSettings() {
        let changes = [
            "SET search_path TO reporting;", "set role app;", "CREATE TABLE a (x int);\nRESET ALL;",
            "SELECT pg_catalog.set_config('search_path', 'x', false);",
            "DO $$BEGIN SET search_path = x; END$$;", "DO $$\nBEGIN\n  PERFORM Set_Config('a.b', '1', false);\nEND$$;",
            "UPDATE t SET x = 1;", // says SET: reset, to be safe
            "ALTER TABLE a ALTER COLUMN x SET NOT NULL",
        ]
        for sql in changes { XCTAssertTrue(DatabaseSession.mayChangeSettings(sql), sql) }
        let cannot = [
            "CREATE TABLE bench_1 (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());\nCREATE INDEX bench_1_name ON bench_1 (name);\n",
            "CREATE FUNCTION f() RETURNS SETOF int LANGUAGE sql AS 'SELECT 1';", "SELECT offset_value, settings, dataset FROM t;",
            "INSERT INTO sets VALUES (1);", "",
        ]
        for sql in cannot { XCTAssertFalse(DatabaseSession.mayChangeSettings(sql), sql) }
    }
}
