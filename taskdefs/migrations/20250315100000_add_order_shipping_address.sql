-- migrate:up
-- Nullable at first: orders placed before this change have no address.
ALTER TABLE orders ADD COLUMN shipping_address jsonb;

-- NOT VALID: existing rows are not checked now, so the table is not locked for a full scan;
-- a later migration can run VALIDATE CONSTRAINT, which takes a weaker lock.
ALTER TABLE orders ADD CONSTRAINT orders_shipping_address_is_object
    CHECK (shipping_address IS NULL OR jsonb_typeof(shipping_address) = 'object') NOT VALID;

-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_shipping_address_is_object;
ALTER TABLE orders DROP COLUMN shipping_address;
