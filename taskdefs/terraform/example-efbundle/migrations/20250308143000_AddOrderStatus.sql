ALTER TABLE "Orders" ADD "Status" integer NOT NULL DEFAULT 0;

CREATE INDEX "IX_Orders_Status_PlacedAt" ON "Orders" ("Status", "PlacedAt");
