ALTER TABLE "Orders" ADD "ShippingAddress_City" character varying(100);

ALTER TABLE "Orders" ADD "ShippingAddress_PostalCode" character varying(20);

ALTER TABLE "Orders" ADD "ShippingAddress_Street" character varying(200);

DO $EF$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'reporting') THEN
        CREATE SCHEMA reporting;
    END IF;
END $EF$;

CREATE VIEW reporting."OrderTotalsByCustomer" AS
SELECT o."CustomerId", count(*) AS "Orders", sum(o."Total") AS "Total"
FROM "Orders" AS o
GROUP BY o."CustomerId";
