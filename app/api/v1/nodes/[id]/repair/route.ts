import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, readOptionalJson } from "@/lib/api/handler";
import { repairNode } from "@/lib/deploy/repair";
import { nodeIdSchema } from "@/lib/validation/node";
import { repairRequestSchema } from "@/lib/validation/push";

const params = z.object({ id: nodeIdSchema });

// POST /api/v1/nodes/{id}/repair: re-apply the version the node last confirmed (a push of that stored
// version). The body is optional ({ force, timerSeconds }). Answers 202 at once with the batch id, like
// POST /api/v1/pushes; GET /api/v1/pushes/{batchId} follows it to the end.
export const POST = apiRoute({ permission: "deploy", params }, async ({ request, caller, params }) => {
  const repair = repairRequestSchema.parse(await readOptionalJson(request));
  const { batchId, done } = await repairNode(caller, params.id, repair);
  // The batch records its own outcome; nobody awaits `done` here, so a failure must not go unhandled.
  done.catch((error: unknown) => console.error(`rampart: repair ${batchId} failed`, error));
  return NextResponse.json({ batchId }, { status: 202, headers: { Location: `/api/v1/pushes/${batchId}`, "Cache-Control": "no-store" } });
});
