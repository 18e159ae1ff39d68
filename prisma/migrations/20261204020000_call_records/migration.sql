-- Call detail records the collector reads from each node's Asterisk cdr_csv (Master.csv), the input of call-cost
-- limits. A record is identified by its node, Asterisk's uniqueid and the digest of its CSV line: one call can
-- write several records with one uniqueid (a dial per trunk tried, ForkCDR), and a line read twice is the same
-- record, so re-reads insert nothing (INSERT ... ON CONFLICT DO NOTHING).

CREATE TYPE "CallDisposition" AS ENUM ('ANSWERED', 'NO_ANSWER', 'BUSY', 'FAILED', 'CONGESTION');

CREATE TABLE "call_records" (
    "id" BIGSERIAL NOT NULL,
    "node_id" UUID NOT NULL,
    "unique_id" TEXT NOT NULL,
    "record_digest" CHAR(64) NOT NULL,
    "account_code" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "context" TEXT NOT NULL,
    "caller_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "dst_channel" TEXT NOT NULL,
    "last_app" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "answered_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_seconds" INTEGER NOT NULL,
    "bill_seconds" INTEGER NOT NULL,
    "disposition" "CallDisposition" NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "call_records_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "call_records_node_id_unique_id_record_digest_key" ON "call_records"("node_id", "unique_id", "record_digest");
-- Listing pages newest first per account code and per node, on (started_at DESC, id DESC).
CREATE INDEX "call_records_account_code_started_at_id_idx" ON "call_records"("account_code", "started_at" DESC, "id" DESC);
CREATE INDEX "call_records_node_id_started_at_id_idx" ON "call_records"("node_id", "started_at" DESC, "id" DESC);

ALTER TABLE "call_records" ADD CONSTRAINT "call_records_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
