import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/handler";
import { createNode, listNodes } from "@/lib/db/queries/nodes";
import { assertHostKeyConfirmed } from "@/lib/ssh/host-key-check";
import { nodeCreateSchema } from "@/lib/validation/node";

// GET /api/v1/nodes: every node (a cluster has tens, not thousands: one page). POST: add a node; the host key
// is fetched from the node and must equal `hostKeyFingerprint`, or nothing is stored. Private keys go in and
// never come out: responses carry the public key only.

export const GET = apiRoute({ permission: "nodes:read" }, async ({ caller }) => ({ items: await listNodes(caller), nextCursor: null }));

export const POST = apiRoute({ permission: "nodes:write" }, async ({ request, caller }) => {
  const input = nodeCreateSchema.parse(await readJson(request, 64 * 1024));
  await assertHostKeyConfirmed(input.host, input.port, input.hostKeyFingerprint);
  const node = await createNode(caller, input);
  return NextResponse.json(node, { status: 201, headers: { Location: `/api/v1/nodes/${node.id}`, "Cache-Control": "no-store" } });
});
