-- Customers of the shop: one row per account, found by e-mail address.
CREATE TABLE customers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL,
    full_name   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_email_lowercase CHECK (email = lower(email))
);

CREATE UNIQUE INDEX customers_email_key ON customers (email);

COMMENT ON TABLE customers IS 'One row per customer account.';
