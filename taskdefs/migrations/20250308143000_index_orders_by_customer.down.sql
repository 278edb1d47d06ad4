-- migrator:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_created_at_idx;
