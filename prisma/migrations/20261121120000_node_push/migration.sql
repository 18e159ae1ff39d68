-- Nodes and safe push (issue 5): a state for nodes a batch did not touch, the pinned-key alert, the tools
-- a connection test found, and what each deployment confirmed on the node.

-- AlterEnum
ALTER TYPE "DeploymentState" ADD VALUE 'SKIPPED';

-- AlterTable
ALTER TABLE "nodes" ADD COLUMN "public_key" TEXT,
ADD COLUMN "host_key_mismatch_fingerprint" TEXT,
ADD COLUMN "host_key_mismatch_at" TIMESTAMPTZ(3),
ADD COLUMN "tools" JSONB,
ADD COLUMN "last_tested_at" TIMESTAMPTZ(3),
ADD COLUMN "push_lease_holder" UUID,
ADD COLUMN "push_lease_until" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "deployments" ADD COLUMN "canary" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "digest" TEXT,
ADD COLUMN "rollback_at" TIMESTAMPTZ(3),
ADD COLUMN "started_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "deployments_node_id_state_created_at_idx" ON "deployments"("node_id", "state", "created_at" DESC);
