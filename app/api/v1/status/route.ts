import { apiRoute } from "@/lib/api/handler";
import { clusterHealth } from "@/lib/db/queries/snapshots";

// GET /api/v1/status: every node's health as `rampart status --json` prints it (reachability, age of the data,
// running version, drift, current bans, host-key alert). One page: `nextCursor` is always null.
export const GET = apiRoute({ permission: "nodes:read" }, async ({ caller }) => ({ items: await clusterHealth(caller), nextCursor: null }));
