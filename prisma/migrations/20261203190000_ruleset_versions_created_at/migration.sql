-- The version history pages newest first on (created_at DESC, id DESC); this index serves each page and the
-- look-up of the version stored just before a page's last row.
CREATE INDEX "ruleset_versions_created_at_id_idx" ON "ruleset_versions"("created_at" DESC, "id" DESC);
