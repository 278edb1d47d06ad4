import Foundation
import TestSupport
import XCTest

/// `R__NAME.sql` repeatable migrations, run as a process against the local PostgreSQL.
final class MigratorRepeatableTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws {
        f = try MigratorFixture()
        try f.write(
            "0001_orders.sql",
            """
            -- migrate:up
            CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, total_cents bigint NOT NULL);
            -- migrate:down
            DROP TABLE orders;
            """)
        try f.write("0002_refunds.up.sql", "CREATE TABLE refunds (order_id bigint NOT NULL, cents bigint NOT NULL);\n")
        try f.write("0002_refunds.down.sql", "DROP TABLE refunds;\n")
        // Name order, not the order ls shows: R__a_… before R__b_…; the second depends on the first.
        try f.write(
            "R__b_top_customers.sql",
            "CREATE OR REPLACE VIEW top_customers AS\n    SELECT customer_id, spent FROM customer_totals ORDER BY spent DESC LIMIT 10;\n")
        try f.write(
            "R__a_customer_totals.sql",
            """
            -- Rebuilt whenever this file changes.
            CREATE OR REPLACE VIEW customer_totals AS
                SELECT customer_id, sum(total_cents) AS spent FROM orders GROUP BY customer_id;
            """)
    }

    override func tearDown() { f?.tearDown() }

    private func lines(_ text: String) -> [String] { text.components(separatedBy: "\n") }

    func testRepeatablesRunAfterTheVersionedOnesInNameOrderAndAgainOnlyAfterAnEdit() throws {
        let first = try f.migrator(["up"])
        XCTAssertEqual(first.status, 0, first.output)
        let applied = lines(first.stderr).filter { $0.hasPrefix("applied ") }.map { $0.components(separatedBy: " (")[0] }
        XCTAssertEqual(
            applied.prefix(4),
            [
                "applied 0001_orders", "applied 0002_refunds", "applied repeatable R__a_customer_totals",
                "applied repeatable R__b_top_customers",
            ], first.stderr)
        XCTAssertEqual(applied.count, 5, first.stderr)
        XCTAssertTrue(applied.last?.hasPrefix("applied 4 migrations in ") ?? false, first.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1", "2"], "the versioned history keeps only versions")
        XCTAssertEqual(
            try f.query("SELECT string_agg(name, ',' ORDER BY name) FROM migrator_history_repeatable"), "a_customer_totals,b_top_customers")
        try f.query("INSERT INTO orders (customer_id, total_cents) VALUES (7, 1200), (7, 300), (8, 50)")
        XCTAssertEqual(try f.query("SELECT customer_id || ':' || spent FROM top_customers LIMIT 1"), "7:1500")

        let again = try f.migrator(["up"])
        XCTAssertEqual(again.status, 0, again.output)
        XCTAssertTrue(again.stderr.contains("nothing to apply"), again.stderr)
        XCTAssertFalse(again.stderr.contains("repeatable"), again.stderr)

        try f.write(
            "R__b_top_customers.sql",
            "CREATE OR REPLACE VIEW top_customers AS\n    SELECT customer_id, spent FROM customer_totals ORDER BY spent DESC LIMIT 3;\n")
        let status = try f.migrator(["status"])
        XCTAssertEqual(status.status, 0, status.output)
        XCTAssertTrue(status.stdout.contains("REPEATABLE"), status.stdout)
        XCTAssertTrue(lines(status.stdout).contains { $0.hasPrefix("R__a_customer_totals  applied ") }, status.stdout)
        XCTAssertTrue(lines(status.stdout).contains { $0.hasPrefix("R__b_top_customers    changed ") }, status.stdout)
        let pending = try f.migrator(["status", "--pending", "--output", "json"])
        XCTAssertTrue(pending.stdout.contains("\"migrations\":[]"), pending.stdout)
        XCTAssertTrue(pending.stdout.contains("\"name\":\"R__b_top_customers\""), pending.stdout)
        XCTAssertFalse(pending.stdout.contains("R__a_customer_totals"), pending.stdout)
        let validate = try f.migrator(["validate"])
        XCTAssertEqual(validate.status, 0, "an edited repeatable is not drift: \(validate.output)")
        XCTAssertTrue(validate.stderr.contains("valid: 2 applied, 0 pending; repeatable: 1 current, 1 to apply"), validate.stderr)

        let edited = try f.migrator(["up"])
        XCTAssertEqual(edited.status, 0, edited.output)
        XCTAssertEqual(
            lines(edited.stderr).filter { $0.hasPrefix("applied ") }.count, 2, "only R__b again, and the total: \(edited.stderr)")
        XCTAssertTrue(edited.stderr.contains("applied repeatable R__b_top_customers ("), edited.stderr)
        XCTAssertTrue(try f.query("SELECT pg_get_viewdef('top_customers')").contains("LIMIT 3"))

        // down leaves repeatables alone: their rows and views stay.
        let down = try f.migrator(["down"])
        XCTAssertEqual(down.status, 0, down.output)
        XCTAssertEqual(try f.historyVersions(), ["1"])
        XCTAssertEqual(try f.query("SELECT count(*) FROM migrator_history_repeatable"), "2")
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_views WHERE viewname IN ('customer_totals', 'top_customers')"), "2")
    }

    func testAFailingRepeatableIsRolledBackWithoutItsRow() throws {
        try f.write(
            "R__b_top_customers.sql", "CREATE OR REPLACE VIEW top_customers AS\n    SELECT customer_id, nope FROM customer_totals;\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("migration R__b_top_customers failed at \(f.directory)/R__b_top_customers.sql:2:25"), r.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1", "2"], "the versioned ones committed before it")
        XCTAssertEqual(try f.query("SELECT string_agg(name, ',') FROM migrator_history_repeatable"), "a_customer_totals")
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_views WHERE viewname = 'top_customers'"), "0")
    }

    func testARepeatableThatCannotRunInATransactionStopsEverythingBeforeItStarts() throws {
        try f.write("R__c_index.sql", "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer ON orders (customer_id);\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(
            r.stderr.contains(
                "repeatable migration R__c_index runs outside a transaction, statement by statement: CREATE INDEX CONCURRENTLY"), r.stderr)
        XCTAssertTrue(r.stderr.contains("nothing was applied"), r.stderr)
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_tables WHERE tablename IN ('orders', 'migrator_history')"), "0")
    }

    func testToSkipsRepeatablesAndPlaceholdersReachThem() throws {
        try f.write("R__c_grant.sql", "COMMENT ON VIEW customer_totals IS 'owned by ${team}';\n")
        let early = try f.migrator(["up", "--to", "1"])
        XCTAssertEqual(early.status, 0, early.output)
        XCTAssertTrue(
            early.stderr.contains("repeatable migrations are not run with --to 1, which stops short of the newest migration"), early.stderr)
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_views WHERE viewname = 'customer_totals'"), "0")
        // A --to that names the newest migration reaches the newest schema, so the repeatables follow.
        let dry = try f.migrator(["up", "--dry-run", "--to", "2", "--var", "team=payments"])
        XCTAssertEqual(dry.status, 0, dry.output)
        XCTAssertTrue(dry.stderr.contains("would apply repeatable R__c_grant"), dry.stderr)
        let rest = try f.migrator(["up", "--var", "team=payments"])
        XCTAssertEqual(rest.status, 0, rest.output)
        XCTAssertEqual(try f.query("SELECT obj_description('customer_totals'::regclass)"), "owned by payments")
    }

    func testBadRepeatableFilesAreRefused() throws {
        try f.write("R__.sql", "SELECT 1;\n")
        try f.write("R__empty.sql", "-- nothing yet\n")
        try f.write("R__d_notx.sql", "-- migrator:no-transaction\nSELECT 1;\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(r.stderr.contains("3 problems with the migration files"), r.stderr)
        XCTAssertTrue(r.stderr.contains("R__.sql: not a repeatable migration name: expected R__NAME.sql"), r.stderr)
        XCTAssertTrue(r.stderr.contains("R__empty.sql: the repeatable migration is empty"), r.stderr)
        XCTAssertTrue(r.stderr.contains("R__d_notx.sql: a repeatable migration always runs in its own transaction"), r.stderr)
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_tables WHERE tablename = 'orders'"), "0")
        XCTAssertTrue(try f.migrator(["up", "--help"]).stdout.contains("REPEATABLE MIGRATIONS"))
        XCTAssertTrue(try f.migrator(["--help"]).stdout.contains("R__NAME.sql is a repeatable migration"))
    }
}
