-- Rate tables per route: what a call to a destination prefix costs, for pricing calls and reports (nothing
-- enforces them yet). A rate belongs to a route cost limit, the one object that already names a carrier path and
-- its currency; the rates are priced in that currency. A route's prefixes are unique, so the longest matching
-- prefix of a dialled number is one row; the CHECKs repeat the shared validation so no other writer can store a
-- rate the pricing cannot read.

CREATE TABLE "route_rates" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "route_id" UUID NOT NULL,
    "prefix" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "cost_per_minute" DECIMAL(14,4) NOT NULL,
    "first_increment" INTEGER NOT NULL,
    "next_increment" INTEGER NOT NULL,
    "connection_fee" DECIMAL(14,4) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "route_rates_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "route_rates_prefix_digits" CHECK ("prefix" ~ '^[0-9]{1,20}$'),
    CONSTRAINT "route_rates_increments" CHECK ("first_increment" BETWEEN 1 AND 3600 AND "next_increment" BETWEEN 1 AND 3600),
    CONSTRAINT "route_rates_amounts" CHECK ("cost_per_minute" >= 0 AND "connection_fee" >= 0)
);

CREATE UNIQUE INDEX "route_rates_route_id_prefix_key" ON "route_rates"("route_id", "prefix");

ALTER TABLE "route_rates" ADD CONSTRAINT "route_rates_route_id_fkey" FOREIGN KEY ("route_id") REFERENCES "route_cost_limits"("id") ON DELETE CASCADE ON UPDATE CASCADE;
