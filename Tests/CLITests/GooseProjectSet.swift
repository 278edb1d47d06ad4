/// A goose project's migrations, written the way goose projects write them: sequential versions that
/// later switch to timestamps, `StatementBegin` blocks around PL/pgSQL and SQL-standard bodies, DO blocks
/// and rules, `NO TRANSACTION` files for `CREATE INDEX CONCURRENTLY`, goose's own `SELECT 'up SQL query';`
/// template lines, an `ENVSUB ON` region, files without a Down section, and a Down for everything else.
enum GooseProjectSet {
    struct File {
        var name: String
        var up: String
        /// Nil: no `-- +goose Down` at all.
        var down: String?
        var noTransaction = false
        var envsub = false

        var text: String {
            var lines: [String] = []
            if noTransaction { lines.append("-- +goose NO TRANSACTION") }
            lines.append("-- +goose Up")
            if envsub { lines.append("-- +goose ENVSUB ON") }
            lines.append(up)
            if envsub { lines.append("-- +goose ENVSUB OFF") }
            if let down { lines += ["", "-- +goose Down", down] }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    static let entities = [
        "products", "categories", "carts", "cart_items", "payments", "refunds", "shipments", "addresses", "coupons", "reviews",
        "wishlists", "invoices", "webhooks",
    ]

    static var files: [File] {
        var files: [File] = [
            File(
                name: "00001_create_users.sql",
                up: """
                    CREATE TABLE users (
                        id bigserial PRIMARY KEY,
                        email text NOT NULL,
                        display_name text,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        updated_at timestamptz NOT NULL DEFAULT now()
                    );
                    """,
                down: "DROP TABLE users;"),
            File(
                name: "00002_set_updated_at.sql",
                up: """
                    -- +goose StatementBegin
                    CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
                    LANGUAGE plpgsql AS $$
                    BEGIN
                        NEW.updated_at := now();
                        RETURN NEW;
                    END;
                    $$;
                    -- +goose StatementEnd
                    """,
                down: "DROP FUNCTION set_updated_at();"),
            File(
                name: "00003_users_updated_at.sql",
                up: "CREATE TRIGGER users_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();",
                down: "DROP TRIGGER users_updated_at ON users;"),
            File(
                name: "00004_users_email_idx.sql", up: "CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (lower(email));",
                down: "DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;", noTransaction: true),
            File(
                name: "00005_create_orders.sql",
                up: """
                    -- +goose StatementBegin
                    SELECT 'up SQL query';
                    -- +goose StatementEnd
                    CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
                    CREATE TABLE orders (
                        id bigserial PRIMARY KEY,
                        user_id bigint NOT NULL REFERENCES users (id),
                        status order_status NOT NULL DEFAULT 'pending',
                        note text DEFAULT 'leave at the door; ring twice',
                        total_cents bigint NOT NULL DEFAULT 0
                    );
                    """,
                down: """
                    -- +goose StatementBegin
                    SELECT 'down SQL query';
                    -- +goose StatementEnd
                    DROP TABLE orders;
                    DROP TYPE order_status;
                    """),
            File(
                name: "00006_order_total_fn.sql",
                up: """
                    -- +goose StatementBegin
                    CREATE FUNCTION order_total(o orders) RETURNS numeric
                    LANGUAGE sql STABLE
                    BEGIN ATOMIC
                        SELECT o.total_cents / 100.0;
                    END;
                    -- +goose StatementEnd
                    """,
                down: "DROP FUNCTION order_total(orders);"),
            File(
                name: "00007_orders_by_user_idx.sql",
                up: """
                    CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
                    CREATE INDEX CONCURRENTLY orders_pending_idx ON orders (id) WHERE status = 'pending';
                    """,
                down: "DROP INDEX CONCURRENTLY orders_pending_idx;\nDROP INDEX CONCURRENTLY orders_user_id_idx;", noTransaction: true),
            File(
                name: "00008_audit_tables.sql",
                up: """
                    -- +goose StatementBegin
                    DO $do$
                    DECLARE
                        t text;
                    BEGIN
                        FOREACH t IN ARRAY ARRAY['users', 'orders'] LOOP
                            EXECUTE format('CREATE TABLE %I (id bigserial PRIMARY KEY, row_id bigint NOT NULL, at timestamptz DEFAULT now(), what text)', t || '_audit');
                        END LOOP;
                    END;
                    $do$;
                    -- +goose StatementEnd
                    """,
                down: "DROP TABLE orders_audit;\nDROP TABLE users_audit;"),
            File(
                name: "00009_orders_audit_rule.sql",
                up: """
                    -- +goose StatementBegin
                    CREATE RULE orders_audit_insert AS ON INSERT TO orders DO ALSO (
                        INSERT INTO orders_audit (row_id, what) VALUES (NEW.id, 'insert');
                        NOTIFY orders_changed;
                    );
                    -- +goose StatementEnd
                    """,
                down: "DROP RULE orders_audit_insert ON orders;"),
            File(
                name: "00010_seed_admin.sql",
                up: "INSERT INTO users (email, display_name) VALUES ('admin@example.com', 'Admin; the first user');"),
            File(
                name: "00011_orders_comment.sql",
                up: """
                    COMMENT ON TABLE orders IS 'orders of ${APP_ENV}';
                    -- +goose StatementBegin
                    CREATE FUNCTION deployment_env() RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
                    BEGIN
                        RETURN '${APP_ENV}';
                    END;
                    $$;
                    -- +goose StatementEnd
                    """,
                down: "DROP FUNCTION deployment_env();\nCOMMENT ON TABLE orders IS NULL;", envsub: true),
        ]
        var version = 12
        func next() -> String {
            defer { version += 1 }
            return String(repeating: "0", count: 5 - String(version).count) + String(version)
        }
        for (index, entity) in entities.enumerated() {
            var up = """
                CREATE TABLE \(entity) (
                    id bigserial PRIMARY KEY,
                    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    label text NOT NULL DEFAULT '',
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                """
            var down = "DROP TABLE \(entity);"
            if index % 3 == 0 {
                up += """

                    -- +goose StatementBegin
                    CREATE FUNCTION \(entity)_label_check() RETURNS trigger LANGUAGE plpgsql AS $fn$
                    BEGIN
                        IF NEW.label LIKE '%;%' THEN
                            RAISE EXCEPTION 'a label holds no semicolon; got %', NEW.label;
                        END IF;
                        RETURN NEW;
                    END;
                    $fn$;
                    -- +goose StatementEnd
                    CREATE TRIGGER \(entity)_label_check BEFORE INSERT OR UPDATE ON \(entity)
                        FOR EACH ROW EXECUTE FUNCTION \(entity)_label_check();
                    """
                down = "DROP TABLE \(entity);\nDROP FUNCTION \(entity)_label_check();"
            }
            files.append(File(name: "\(next())_create_\(entity).sql", up: up, down: down))
            files.append(
                File(
                    name: "\(next())_\(entity)_user_idx.sql", up: "CREATE INDEX CONCURRENTLY \(entity)_user_id_idx ON \(entity) (user_id);",
                    down: "DROP INDEX CONCURRENTLY \(entity)_user_id_idx;", noTransaction: true))
        }
        // The project moved to timestamped versions, as `goose create` names them by default.
        files += [
            File(
                name: "20240105121500_users_locale.sql", up: "ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en';",
                down: "ALTER TABLE users DROP COLUMN locale;"),
            File(
                name: "20240112093000_products_search.sql",
                up: "ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', label)) STORED;",
                down: "ALTER TABLE products DROP COLUMN search;"),
            File(
                name: "20240112093100_products_search_idx.sql",
                up: "CREATE INDEX CONCURRENTLY products_search_idx ON products USING gin (search);",
                down: "DROP INDEX CONCURRENTLY products_search_idx;", noTransaction: true),
            File(
                name: "20240220170405_backfill_locales.sql",
                up: "UPDATE users SET locale = 'nl' WHERE email LIKE '%.nl';"),
        ]
        return files
    }
}
