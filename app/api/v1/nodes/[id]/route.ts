import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, readJson } from "@/lib/api/handler";
import { deleteNode, getNode, updateNode } from "@/lib/db/queries/nodes";
import { assertHostKeyConfirmed } from "@/lib/ssh/host-key-check";
import { nodeIdSchema, nodeUpdateSchema } from "@/lib/validation/node";

const params = z.object({ id: nodeIdSchema });

/** The node with its last 50 deployments. */
export const GET = apiRoute({ permission: "nodes:read", params }, async ({ caller, params }) => getNode(caller, params.id));

/**
 * Partial change. A new `hostKeyFingerprint` (required with a new host or port) is checked against what the
 * node at the resulting address presents before anything is stored; it also clears a host-key alert.
 */
export const PATCH = apiRoute({ permission: "nodes:write", params }, async ({ request, caller, params }) => {
  const changes = nodeUpdateSchema.parse(await readJson(request, 64 * 1024));
  if (changes.hostKeyFingerprint !== undefined) {
    const current = await getNode(caller, params.id);
    await assertHostKeyConfirmed(changes.host ?? current.host, changes.port ?? current.port, changes.hostKeyFingerprint);
  }
  return updateNode(caller, params.id, changes);
});

export const DELETE = apiRoute({ permission: "nodes:write", params }, async ({ caller, params }) => {
  await deleteNode(caller, params.id);
  return new NextResponse(null, { status: 204 });
});
