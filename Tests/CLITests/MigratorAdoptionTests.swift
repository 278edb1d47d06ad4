import Foundation
import TestSupport
import XCTest

/// `migrator adopt`: a database that golang-migrate or dbmate migrated keeps its history, and nothing
/// they applied runs again.
final class MigratorAdoptionTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    /// A billing service's migrations in dbmate's layout, oldest first.
    let billing: [(String, String)] = [
        (
            "20261003101500_create_customers.sql",
            """
            -- migrate:up
            CREATE TABLE customers (
                id bigserial PRIMARY KEY,
                email text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            INSERT INTO customers (email) VALUES ('ops@example.com');

            -- migrate:down
            DROP TABLE customers;
            """
        ),
        (
            "20261010084200_create_invoices.sql",
            """
            -- migrate:up
            CREATE TABLE invoices (
                id bigserial PRIMARY KEY,
                customer_id bigint NOT NULL REFERENCES customers (id),
                total_cents bigint NOT NULL CHECK (total_cents >= 0)
            );

            -- migrate:down
            DROP TABLE invoices;
            """
        ),
        (
            "20261017120000_invoice_status.sql",
            """
            -- migrate:up
            CREATE TYPE invoice_status AS ENUM ('draft', 'sent', 'paid');
            ALTER TABLE invoices ADD COLUMN status invoice_status NOT NULL DEFAULT 'draft';

            -- migrate:down
            ALTER TABLE invoices DROP COLUMN status;
            DROP TYPE invoice_status;
            """
        ),
        (
            "20261024093000_invoices_by_customer.sql",
            """
            -- migrate:up transaction:false
            CREATE INDEX CONCURRENTLY invoices_by_customer ON invoices (customer_id);

            -- migrate:down
            DROP INDEX invoices_by_customer;
            """
        ),
        (
            "20261031160000_customer_names.sql",
            """
            -- migrate:up
            ALTER TABLE customers ADD COLUMN display_name text;
            UPDATE customers SET display_name = split_part(email, '@', 1);

            -- migrate:down
            ALTER TABLE customers DROP COLUMN display_name;
            """
        ),
        (
            "20261107111500_create_payments.sql",
            """
            -- migrate:up
            CREATE TABLE payments (
                id bigserial PRIMARY KEY,
                invoice_id bigint NOT NULL REFERENCES invoices (id),
                paid_at timestamptz NOT NULL
            );

            -- migrate:down
            DROP TABLE payments;
            """
        ),
    ]

    /// The real dbmate, pinned in scripts/setup.
    func dbmate(_ arguments: [String]) throws -> ProcessResult {
        let path = Paths.packageRoot + "/.venv/bin/dbmate"
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: path), "dbmate is missing: run scripts/setup")
        // dbmate's driver asks for TLS unless told otherwise; the local server has none.
        return try ProcessRunner.run(
            path, ["--url", f.url + "?sslmode=disable", "--migrations-dir", f.directory, "--no-dump-schema"] + arguments,
            timeout: 60)
    }

    func testDbmateAppliedHalfThenAdoptRecordsThatHalfAndUpAppliesTheOther() throws {
        for (name, text) in billing.prefix(3) { try f.write(name, text) }
        let old = try dbmate(["up"])
        XCTAssertEqual(old.status, 0, old.output)
        for (name, text) in billing.dropFirst(3) { try f.write(name, text) }
        let before = try f.query("SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations")
        XCTAssertEqual(before, "20261003101500,20261010084200,20261017120000")

        // Without adoption, every command that reads the history refuses to guess.
        for command in [["up"], ["up", "--dry-run"], ["status"], ["validate"], ["down"]] {
            let r = try f.migrator(command)
            XCTAssertEqual(r.status, 3, "\(command): \(r.output)")
            XCTAssertTrue(
                r.stderr.contains("found dbmate's public.schema_migrations, with 3 applied versions, the newest 20261017120000"), r.stderr)
            XCTAssertTrue(r.stderr.contains("`migrator adopt dbmate`"), r.stderr)
        }
        try assertNoMigratorHistory()

        let dry = try f.migrator(["adopt", "dbmate", "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.output)
        XCTAssertTrue(dry.stderr.contains("would record 20261010084200_create_invoices as applied (not run)"), dry.stderr)
        XCTAssertTrue(dry.stderr.contains("would record 3 migrations; 3 left for `migrator up`"), dry.stderr)
        try assertNoMigratorHistory("--dry-run changed nothing")

        let adopt = try f.migrator(["adopt", "dbmate"])
        XCTAssertEqual(adopt.status, 0, adopt.output)
        XCTAssertEqual(try f.historyVersions(), ["20261003101500", "20261010084200", "20261017120000"])
        XCTAssertEqual(
            try f.query("SELECT DISTINCT state || ' ' || split_part(applied_by, ' by ', 1) FROM migrator_history"),
            "applied adopted from dbmate public.schema_migrations")
        let validate = try f.migrator(["validate"])
        XCTAssertEqual(validate.status, 0, "the recorded checksums are today's files': \(validate.output)")

        let again = try f.migrator(["adopt", "dbmate"])
        XCTAssertEqual(again.status, 64, again.output)
        XCTAssertTrue(again.stderr.contains("public.migrator_history already exists (3 records)"), again.stderr)

        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        let applied = up.stderr.split(separator: "\n").filter { $0.hasPrefix("applied 2") }.map { $0.split(separator: " ")[1] }
        XCTAssertEqual(applied, ["20261024093000_invoices_by_customer", "20261031160000_customer_names", "20261107111500_create_payments"])
        XCTAssertEqual(try f.query("SELECT count(*) FROM customers"), "1", "the first migration's seed row was not inserted twice")
        XCTAssertEqual(try f.query("SELECT display_name FROM customers"), "ops")
        XCTAssertEqual(
            try f.query("SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations"), before,
            "the old table is left as dbmate wrote it")
        XCTAssertEqual(try f.migrator(["up"]).stderr.contains("nothing to apply"), true)
    }

    func testDbmateVersionsWithoutAFileAreRefusedAndNothingIsRecorded() throws {
        for (name, text) in billing.prefix(2) { try f.write(name, text) }
        XCTAssertEqual(try dbmate(["up"]).status, 0)
        // A file deleted after it was applied, as happens when a team squashes old migrations.
        try f.remove(billing[0].0)
        let r = try f.migrator(["adopt", "dbmate"])
        XCTAssertEqual(r.status, 3, r.output)
        XCTAssertTrue(r.stderr.contains("lists version 20261003101500 as applied, but no migration file has it"), r.stderr)
        XCTAssertTrue(r.stderr.contains("nothing was recorded"), r.stderr)
        try assertNoMigratorHistory()
    }

    func testDbmateSequenceNumbersWithLeadingZerosMatchTheirFilesByNumber() throws {
        try f.write(
            "0001_create_tags.sql",
            "-- migrate:up\nCREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL);\n-- migrate:down\nDROP TABLE tags;\n")
        try f.write(
            "0002_seed_tags.sql", "-- migrate:up\nINSERT INTO tags (label) VALUES ('urgent');\n-- migrate:down\nDELETE FROM tags;\n")
        XCTAssertEqual(try dbmate(["up"]).status, 0)
        XCTAssertEqual(
            try f.query("SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations"), "0001,0002",
            "dbmate keeps the version as the file name spells it")
        try f.write(
            "0003_tag_colour.sql",
            "-- migrate:up\nALTER TABLE tags ADD COLUMN colour text;\n-- migrate:down\nALTER TABLE tags DROP COLUMN colour;\n")

        let adopt = try f.migrator(["adopt", "dbmate"])
        XCTAssertEqual(adopt.status, 0, adopt.output)
        XCTAssertEqual(try f.historyVersions(), ["1", "2"])
        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "3"])
        XCTAssertEqual(try f.query("SELECT count(*) FROM tags"), "1", "the seed ran once, under dbmate")
    }

    /// A refused adoption leaves no trace: not even an empty history table, which would count as adopted.
    func assertNoMigratorHistory(_ message: String = "nothing was recorded", file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try f.query("SELECT to_regclass('migrator_history') IS NULL"), "t", message, file: file, line: line)
    }

    // MARK: - golang-migrate

    /// A catalog service's migrations in golang-migrate's layout.
    func writeCatalog() throws {
        try f.write(
            "000001_create_products.up.sql", "CREATE TABLE products (\n    id bigserial PRIMARY KEY,\n    sku text NOT NULL UNIQUE\n);\n")
        try f.write("000001_create_products.down.sql", "DROP TABLE products;\n")
        try f.write("000002_product_prices.up.sql", "ALTER TABLE products ADD COLUMN price_cents integer NOT NULL DEFAULT 0;\n")
        try f.write("000002_product_prices.down.sql", "ALTER TABLE products DROP COLUMN price_cents;\n")
        try f.write("000003_seed_products.up.sql", "INSERT INTO products (sku, price_cents) VALUES ('MUG-01', 1200), ('TEE-02', 2500);\n")
        try f.write("000003_seed_products.down.sql", "DELETE FROM products WHERE sku IN ('MUG-01', 'TEE-02');\n")
        try f.write("000004_create_categories.up.sql", "CREATE TABLE categories (id serial PRIMARY KEY, title text NOT NULL);\n")
        try f.write("000005_product_category.up.sql", "ALTER TABLE products ADD COLUMN category_id integer REFERENCES categories (id);\n")
    }

    /// What golang-migrate's postgres driver leaves behind after applying versions 1 through `version`:
    /// it runs each file as it is, then replaces the one row of its table.
    func migrateLikeGolangMigrate(through version: Int, dirty: Bool = false) throws {
        for file in ["000001_create_products.up.sql", "000002_product_prices.up.sql", "000003_seed_products.up.sql"].prefix(version) {
            let r = try ProcessRunner.run(
                "/usr/bin/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", f.url, "-f", f.directory + "/" + file], timeout: 60)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        try f.query("CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)")
        try f.query(
            "BEGIN; DELETE FROM schema_migrations; INSERT INTO schema_migrations (version, dirty) VALUES (\(version), \(dirty)); COMMIT;")
    }

    func testGolangMigrateCountsEveryFileAtOrBelowItsVersion() throws {
        try writeCatalog()
        try migrateLikeGolangMigrate(through: 3)

        let refused = try f.migrator(["status"])
        XCTAssertEqual(refused.status, 3, refused.output)
        XCTAssertTrue(refused.stderr.contains("found golang-migrate's public.schema_migrations, at version 3"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("`migrator adopt golang-migrate`"), refused.stderr)

        let wrongTool = try f.migrator(["adopt", "dbmate"])
        XCTAssertEqual(wrongTool.status, 64, wrongTool.output)
        XCTAssertTrue(wrongTool.stderr.contains("was written by golang-migrate, not dbmate"), wrongTool.stderr)

        let adopt = try f.migrator(["adopt", "golang-migrate"])
        XCTAssertEqual(adopt.status, 0, adopt.output)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "3"])
        XCTAssertTrue(adopt.stderr.contains("recorded 3 migrations; 2 left for `migrator up`"), adopt.stderr)

        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertTrue(up.stderr.contains("applied 2 migrations"), up.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "3", "4", "5"])
        XCTAssertEqual(try f.query("SELECT count(*) FROM products"), "2", "the seed migration did not run again")
        XCTAssertEqual(try f.query("SELECT version || ' ' || dirty FROM schema_migrations"), "3 false", "the old table is left as it was")
    }

    func testADirtyGolangMigrateTableIsRefusedWithTheVersionAndHowToForceIt() throws {
        try writeCatalog()
        try migrateLikeGolangMigrate(through: 3, dirty: true)

        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 3, up.output)
        XCTAssertTrue(up.stderr.contains("at version 3 (dirty)"), up.stderr)

        let adopt = try f.migrator(["adopt", "golang-migrate"])
        XCTAssertEqual(adopt.status, 3, adopt.output)
        XCTAssertTrue(adopt.stderr.contains("public.schema_migrations is dirty at version 3"), adopt.stderr)
        XCTAssertTrue(adopt.stderr.contains("000003_seed_products.up.sql"), adopt.stderr)
        XCTAssertTrue(
            adopt.stderr.contains("`migrate force 3` if it is now fully applied, `migrate force 2` if it is undone"), adopt.stderr)
        XCTAssertTrue(adopt.stderr.contains("Nothing was recorded"), adopt.stderr)
        try assertNoMigratorHistory()

        // What `migrate force 3` does, after the team checked that version 3 is complete.
        try f.query("UPDATE schema_migrations SET dirty = false")
        XCTAssertEqual(try f.migrator(["adopt", "golang-migrate"]).status, 0)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "3"])
    }

    func testAdoptionWaitsForTheMigrationLockLikeEveryOtherWriter() throws {
        try writeCatalog()
        try migrateLikeGolangMigrate(through: 2)
        // The migrator's key, as MigrationLock derives it: SHA-256 of database, schema and history table.
        let key = """
            ('x' || left(encode(sha256(convert_to('migrator', 'UTF8') || '\\x00'::bytea || convert_to(current_database(), 'UTF8')
                || '\\x00'::bytea || convert_to('public', 'UTF8') || '\\x00'::bytea || convert_to('migrator_history', 'UTF8')), 'hex'), 16))::bit(64)::bigint
            """
        let holder = try ProcessRunner.start("/usr/bin/psql", ["-X", "-qAt", f.url, "-c", "SELECT pg_advisory_lock(\(key)), pg_sleep(30)"])
        defer { holder.signal(SIGTERM); _ = holder.wait(timeout: 10) }
        var held = false
        for _ in 0..<100 where !held {
            held =
                try f.query(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                ) == "1"
            if !held { usleep(100_000) }
        }
        XCTAssertTrue(held, "the lock holder never took the lock")
        let r = try f.migrator(["adopt", "golang-migrate", "--lock-wait", "1s"])
        XCTAssertEqual(r.status, 4, r.output)
        XCTAssertTrue(r.stderr.contains("waiting for the migration lock"), r.stderr)
        try assertNoMigratorHistory()
    }

    func testAGolangMigrateVersionWithoutAFileIsRefused() throws {
        try writeCatalog()
        try migrateLikeGolangMigrate(through: 3)
        try f.query("UPDATE schema_migrations SET version = 7")
        let r = try f.migrator(["adopt", "golang-migrate"])
        XCTAssertEqual(r.status, 3, r.output)
        XCTAssertTrue(r.stderr.contains("says version 7 is applied, but no migration file has that version"), r.stderr)
        try assertNoMigratorHistory()
    }

    func testAnEmptyGolangMigrateTableAppliedNothingSoUpIsNotRefused() throws {
        try writeCatalog()
        // golang-migrate after `migrate down -all`: the table stays, with no row.
        try f.query("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)")
        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "3", "4", "5"])
    }

    func testAnotherToolsTableInAnotherSchemaIsNamedWithMigrationsTable() throws {
        try writeCatalog()
        try f.query(
            "CREATE SCHEMA legacy; CREATE TABLE legacy.catalog_versions (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO legacy.catalog_versions VALUES (2, false)"
        )
        try f.query("CREATE TABLE products (id bigserial PRIMARY KEY, sku text NOT NULL UNIQUE, price_cents integer NOT NULL DEFAULT 0)")

        let missing = try f.migrator(["adopt", "golang-migrate"])
        XCTAssertEqual(missing.status, 64, missing.output)
        XCTAssertTrue(missing.stderr.contains("there is no table public.schema_migrations to adopt"), missing.stderr)
        XCTAssertEqual(try f.migrator(["adopt", "golang-migrate", "--migrations-table", "legacy..x"]).status, 64)

        let adopt = try f.migrator(["adopt", "golang-migrate", "--migrations-table", "legacy.catalog_versions"])
        XCTAssertEqual(adopt.status, 0, adopt.output)
        XCTAssertEqual(try f.historyVersions(), ["1", "2"])
        XCTAssertEqual(
            try f.query("SELECT DISTINCT split_part(applied_by, ' by ', 1) FROM migrator_history"),
            "adopted from golang-migrate legacy.catalog_versions")
    }

    func testASchemaMigrationsTableOfAnotherShapeIsNeitherAdoptedNorARefusal() throws {
        try writeCatalog()
        // Shaped like neither tool's table (goose-like columns): not ours to interpret.
        try f.query("CREATE TABLE schema_migrations (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL)")
        try f.query("INSERT INTO schema_migrations (version_id, is_applied) VALUES (1, true)")
        let adopt = try f.migrator(["adopt", "golang-migrate"])
        XCTAssertEqual(adopt.status, 64, adopt.output)
        XCTAssertTrue(
            adopt.stderr.contains("is not a history table of golang-migrate (version bigint, dirty boolean) or dbmate (version varchar)"),
            adopt.stderr)
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
    }

    func testAdoptHelpTeachesBothTools() throws {
        let r = try f.migrator(["adopt", "--help"])
        XCTAssertEqual(r.status, 0)
        for line in [
            "USAGE: migrator adopt golang-migrate|dbmate", "every file at or", "one row per applied version",
            "migrate force VERSION", "--migrations-table <name>", "--dry-run", "migrator adopt dbmate --dry-run",
        ] {
            XCTAssertTrue(r.stdout.contains(line), "missing \(line):\n\(r.stdout)")
        }
        let bad = try f.migrator(["adopt", "liquibase"])
        XCTAssertEqual(bad.status, 64, bad.output)
    }
}
