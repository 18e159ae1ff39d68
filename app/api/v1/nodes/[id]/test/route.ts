import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { testNodeConnection } from "@/lib/deploy/node-check";
import { getNode } from "@/lib/db/queries/nodes";
import { nodeIdSchema } from "@/lib/validation/node";

const params = z.object({ id: nodeIdSchema });

// POST /api/v1/nodes/{id}/test: connect with the pinned host key, authenticate, and report the node's tools.
// A failed test is a 200 with `ok: false` and the stage that failed: the request itself succeeded. Opening
// SSH connections is an operator's action, so it needs "deploy", not just read access.
export const POST = apiRoute({ permission: "deploy", params }, async ({ caller, params }) => {
  const node = await getNode(caller, params.id);
  return testNodeConnection(caller, node.id);
});
