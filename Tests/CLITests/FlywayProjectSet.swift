/// A Spring service's `src/main/resources/db/migration`, written the way Flyway projects write it: dotted
/// versions that sort differently as strings (1.9, 1.10, 2, 2.0.1, 10), an underscored one (1_12), PL/pgSQL
/// functions and a trigger in dollar quotes with semicolons inside, a DO block, `CREATE INDEX CONCURRENTLY`
/// (which Flyway, like the migrator, runs outside a transaction), a `${app_env}` placeholder, and a U file
/// for every V file (Flyway Teams' undo migrations).
enum FlywayProjectSet {
    struct File {
        var version: String
        var description: String
        var up: String
        var undo: String

        var name: String { "V\(version)__\(description).sql" }
        var undoName: String { "U\(version)__\(description).sql" }
    }

    static let entities = [
        "warehouses", "suppliers", "stock_items", "shipments", "carriers", "returns", "coupons", "reviews", "wishlists",
        "gift_cards", "tax_rates", "currencies", "price_lists", "webhooks", "api_clients", "notifications", "exports",
        "imports", "feature_flags", "sessions",
    ]

    static var files: [File] {
        var files: [File] = [
            File(
                version: "1", description: "create_customers",
                up: """
                    CREATE TABLE customers (
                        id bigserial PRIMARY KEY,
                        email varchar(255) NOT NULL,
                        full_name varchar(255),
                        created_at timestamptz NOT NULL DEFAULT now(),
                        updated_at timestamptz NOT NULL DEFAULT now()
                    );
                    """,
                undo: "DROP TABLE customers;"),
            File(
                version: "1.1", description: "customers_email_unique",
                up: "CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));",
                undo: "DROP INDEX customers_email_key;"),
            File(
                version: "1.2", description: "create_products",
                up: """
                    CREATE TABLE products (
                        id bigserial PRIMARY KEY,
                        sku varchar(64) NOT NULL UNIQUE,
                        name text NOT NULL,
                        price_cents bigint NOT NULL CHECK (price_cents >= 0)
                    );
                    """,
                undo: "DROP TABLE products;"),
            File(
                version: "1.3", description: "create_orders",
                up: """
                    CREATE TABLE orders (
                        id bigserial PRIMARY KEY,
                        customer_id bigint NOT NULL REFERENCES customers (id),
                        placed_at timestamptz NOT NULL DEFAULT now(),
                        updated_at timestamptz NOT NULL DEFAULT now()
                    );
                    """,
                undo: "DROP TABLE orders;"),
            File(
                version: "1.4", description: "create_order_lines",
                up: """
                    CREATE TABLE order_lines (
                        order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
                        product_id bigint NOT NULL REFERENCES products (id),
                        quantity integer NOT NULL CHECK (quantity > 0),
                        unit_price_cents bigint NOT NULL,
                        PRIMARY KEY (order_id, product_id)
                    );
                    """,
                undo: "DROP TABLE order_lines;"),
            File(
                version: "1.5", description: "order_status",
                up: """
                    CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
                    ALTER TABLE orders ADD COLUMN status order_status NOT NULL DEFAULT 'new';
                    """,
                undo: "ALTER TABLE orders DROP COLUMN status;\nDROP TYPE order_status;"),
            File(
                version: "1.6", description: "order_total_function",
                up: """
                    CREATE FUNCTION order_total(p_order_id bigint) RETURNS bigint
                        LANGUAGE plpgsql STABLE AS $$
                    DECLARE
                        total bigint;
                    BEGIN
                        SELECT sum(quantity * unit_price_cents) INTO total FROM order_lines WHERE order_id = p_order_id;
                        RETURN coalesce(total, 0);
                    END;
                    $$;
                    """,
                undo: "DROP FUNCTION order_total(bigint);"),
            File(
                version: "1.7", description: "touch_updated_at",
                up: """
                    CREATE FUNCTION touch_updated_at() RETURNS trigger
                        LANGUAGE plpgsql AS $body$
                    BEGIN
                        NEW.updated_at := now();
                        RETURN NEW;
                    END;
                    $body$;

                    CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
                    CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
                    """,
                undo: """
                    DROP TRIGGER orders_touch ON orders;
                    DROP TRIGGER customers_touch ON customers;
                    DROP FUNCTION touch_updated_at();
                    """),
            File(
                version: "1.8", description: "seed_products",
                up: """
                    INSERT INTO products (sku, name, price_cents) VALUES
                        ('SKU-1', 'Mug; large', 1200),
                        ('SKU-2', 'It''s a $$ tee', 2500);
                    """,
                undo: "DELETE FROM products WHERE sku IN ('SKU-1', 'SKU-2');"),
            File(
                version: "1.9", description: "orders_customer_index",
                up: "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);",
                undo: "DROP INDEX CONCURRENTLY orders_customer_id_idx;"),
            File(
                version: "1.10", description: "create_audit_log",
                up: """
                    CREATE TABLE audit_log (
                        id bigserial PRIMARY KEY,
                        table_name text NOT NULL,
                        action text NOT NULL,
                        row_data jsonb,
                        logged_at timestamptz NOT NULL DEFAULT now()
                    );

                    CREATE FUNCTION audit_row() RETURNS trigger
                        LANGUAGE plpgsql AS $fn$
                    BEGIN
                        -- a comment; with a semicolon
                        INSERT INTO audit_log (table_name, action, row_data)
                        VALUES (TG_TABLE_NAME, TG_OP, to_jsonb(coalesce(NEW, OLD)));
                        RAISE DEBUG 'audited %; op %', TG_TABLE_NAME, TG_OP;
                        RETURN coalesce(NEW, OLD);
                    END;
                    $fn$;
                    """,
                undo: "DROP FUNCTION audit_row();\nDROP TABLE audit_log;"),
            File(
                version: "1.11", description: "audit_orders",
                up: "CREATE TRIGGER orders_audit AFTER INSERT OR UPDATE OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION audit_row();",
                undo: "DROP TRIGGER orders_audit ON orders;"),
            File(
                version: "1_12", description: "customers_phone",
                up: "ALTER TABLE customers ADD COLUMN phone varchar(32);",
                undo: "ALTER TABLE customers DROP COLUMN phone;"),
            File(
                version: "2", description: "create_invoices",
                up: """
                    CREATE TABLE invoices (
                        id bigserial PRIMARY KEY,
                        order_id bigint NOT NULL REFERENCES orders (id),
                        issued_at timestamptz NOT NULL DEFAULT now()
                    );
                    COMMENT ON TABLE invoices IS 'invoices of ${app_env}';
                    """,
                undo: "DROP TABLE invoices;"),
            File(
                version: "2.0.1", description: "invoice_number_seq",
                up: "CREATE SEQUENCE invoice_number_seq START 1000;",
                undo: "DROP SEQUENCE invoice_number_seq;"),
            File(
                version: "2.0.2", description: "invoice_number",
                up: """
                    ALTER TABLE invoices ADD COLUMN number bigint NOT NULL DEFAULT nextval('invoice_number_seq');
                    ALTER SEQUENCE invoice_number_seq OWNED BY invoices.number;
                    """,
                undo: "ALTER SEQUENCE invoice_number_seq OWNED BY NONE;\nALTER TABLE invoices DROP COLUMN number;"),
            File(
                version: "2.1", description: "orders_note_if_missing",
                up: """
                    DO $$
                    BEGIN
                        IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note') THEN
                            ALTER TABLE orders ADD COLUMN note text;
                        END IF;
                    END
                    $$;
                    """,
                undo: "ALTER TABLE orders DROP COLUMN note;"),
        ]
        // One entity per minor version of 3: 3.1 … 3.20, so that 3.10 … 3.20 sort before 3.2 as strings.
        for (index, entity) in entities.enumerated() {
            files.append(
                File(
                    version: "3.\(index + 1)", description: "create_\(entity)",
                    up: """
                        CREATE TABLE \(entity) (
                            id bigserial PRIMARY KEY,
                            customer_id bigint REFERENCES customers (id),
                            payload jsonb NOT NULL DEFAULT '{}',
                            created_at timestamptz NOT NULL DEFAULT now()
                        );
                        CREATE INDEX \(entity)_customer_id_idx ON \(entity) (customer_id);
                        """,
                    undo: "DROP TABLE \(entity);"))
        }
        files.append(
            File(
                version: "10", description: "create_payments",
                up: """
                    CREATE TABLE payments (
                        id bigserial PRIMARY KEY,
                        invoice_id bigint NOT NULL REFERENCES invoices (id),
                        amount_cents bigint NOT NULL,
                        received_at timestamptz NOT NULL DEFAULT now()
                    );
                    """,
                undo: "DROP TABLE payments;"))
        return files
    }
}
