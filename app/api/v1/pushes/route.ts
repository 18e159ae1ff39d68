import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/handler";
import { startPush } from "@/lib/deploy/batch";
import { pushRequestSchema } from "@/lib/validation/push";

// POST /api/v1/pushes: start a push (to all nodes, named nodes or a tag). Answers 202 at once with the batch
// id; GET /api/v1/pushes/{batchId} follows it to the end.

export const POST = apiRoute({ permission: "deploy" }, async ({ request, caller }) => {
  const push = pushRequestSchema.parse(await readJson(request));
  const { batchId, done } = await startPush(caller, push);
  // The batch records its own outcome per node; nobody awaits `done` here, so a failure must not go unhandled.
  done.catch((error: unknown) => console.error(`rampart: push ${batchId} failed`, error));
  return NextResponse.json({ batchId }, { status: 202, headers: { Location: `/api/v1/pushes/${batchId}`, "Cache-Control": "no-store" } });
});
