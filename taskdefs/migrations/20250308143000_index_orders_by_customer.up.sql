-- migrator:no-transaction
-- CONCURRENTLY builds the index without blocking writes to orders, which a busy table needs.
-- PostgreSQL refuses it inside a transaction, hence the directive on the first line.
-- Should it fail half-way, it leaves an INVALID index behind: drop it before running again.
-- No IF NOT EXISTS, though squawk's prefer-robust-stmts asks for it: it would silently keep such an INVALID index.
-- squawk-ignore prefer-robust-stmts
CREATE INDEX CONCURRENTLY orders_customer_id_created_at_idx
    ON orders (customer_id, created_at DESC);
