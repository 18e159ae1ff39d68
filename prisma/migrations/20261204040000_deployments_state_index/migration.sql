-- The reconciler looks for pushes left unfinished on every collector round (state not final, updated_at older than
-- a cutoff): an index on (state, updated_at) keeps that look cheap however long the deployment history grows.
CREATE INDEX "deployments_state_updated_at_idx" ON "deployments"("state", "updated_at");
