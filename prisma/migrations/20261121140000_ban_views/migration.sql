-- Bans page (issue 6): current bans grouped per address, and each address's earlier bans.

-- Earlier bans of one address (the page's "banned before" count) and per-address look-ups by equality.
CREATE INDEX "ban_events_address_banned_at_idx" ON "ban_events"("address", "banned_at" DESC);

-- Current bans only (the collector closes the others), covering every column the page aggregates, so the page
-- reads this small index instead of the whole history. Partial, so not expressible in schema.prisma (see the
-- comment on BanEvent there).
CREATE INDEX "ban_events_current_idx" ON "ban_events"("address")
  INCLUDE ("banned_at", "last_seen_at", "expires_at", "country", "jail", "node_id")
  WHERE "unbanned_at" IS NULL;
