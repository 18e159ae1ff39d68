-- The call guard: the Asterisk account code that ties a tenant to its calls, the guard's decision on each call
-- record (parsed from cdr_csv's userfield, with the exact cost by the rate the guard priced it with), the
-- guard's own settings and the extensions it blocked for abuse.

ALTER TABLE "tenants" ADD COLUMN "account_code" TEXT;
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_account_code_word" CHECK ("account_code" ~ '^[A-Za-z0-9_-]{1,40}$');
CREATE UNIQUE INDEX "tenants_account_code_key" ON "tenants"("account_code");

CREATE TYPE "CallGuardOutcome" AS ENUM ('ALLOW', 'REFUSE', 'BLOCK');
CREATE TYPE "CallGuardOfflineMode" AS ENUM ('REFUSE_INTERNATIONAL', 'ALLOW_CAPPED');

ALTER TABLE "call_records" ADD COLUMN "user_field" TEXT NOT NULL DEFAULT '',
    ADD COLUMN "guard_outcome" "CallGuardOutcome",
    ADD COLUMN "guard_reason" TEXT,
    ADD COLUMN "guard_extension" TEXT,
    ADD COLUMN "cost" DECIMAL(14,4),
    ADD COLUMN "currency" CHAR(3);
-- Spend per tenant and day/month: the guard's allowed calls of an account code in a time range.
CREATE INDEX "call_records_guard_spend_idx" ON "call_records"("account_code", "started_at") WHERE "guard_outcome" = 'ALLOW';

CREATE TABLE "call_guard_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "offline_mode" "CallGuardOfflineMode" NOT NULL DEFAULT 'REFUSE_INTERNATIONAL',
    "max_call_seconds" INTEGER NOT NULL DEFAULT 14400,
    "stale_after_seconds" INTEGER NOT NULL DEFAULT 300,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "call_guard_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "call_guard_settings_singleton" CHECK ("id" = 1),
    CONSTRAINT "call_guard_settings_ranges" CHECK ("max_call_seconds" BETWEEN 60 AND 86400 AND "stale_after_seconds" BETWEEN 30 AND 86400)
);

CREATE TABLE "extension_blocks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "account_code" TEXT NOT NULL,
    "extension" TEXT NOT NULL,
    "node_id" UUID,
    "number" TEXT NOT NULL,
    "blocked_at" TIMESTAMPTZ(3) NOT NULL,
    "lifted_at" TIMESTAMPTZ(3),
    "lifted_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "extension_blocks_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "extension_blocks_account_code_extension_blocked_at_key" ON "extension_blocks"("account_code", "extension", "blocked_at");
CREATE INDEX "extension_blocks_blocked_at_idx" ON "extension_blocks"("blocked_at" DESC);
-- At most one open block per extension: the collector inserts ON CONFLICT DO NOTHING against this.
CREATE UNIQUE INDEX "extension_blocks_open_key" ON "extension_blocks"("account_code", "extension") WHERE "lifted_at" IS NULL;
ALTER TABLE "extension_blocks" ADD CONSTRAINT "extension_blocks_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

INSERT INTO "call_guard_settings" ("id") VALUES (1);
