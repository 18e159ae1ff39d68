import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { getPushBatch } from "@/lib/deploy/batch";
import { AppError } from "@/lib/errors";
import { batchIdSchema } from "@/lib/validation/push";
import { safeText } from "@/lib/validation/text";

// GET /api/v1/pushes/{batchId}: every node of the push with its state and progress; `finished` once all
// reached a final state. The push page polls it every second, so it is never cached.

const params = z.object({ batchId: safeText() });

export const GET = apiRoute({ permission: "nodes:read", params }, async ({ caller, params }) => {
  // A malformed id is answered like an unknown one.
  const batchId = batchIdSchema.safeParse(params.batchId);
  if (!batchId.success) throw new AppError("NOT_FOUND", "No such push.");
  return NextResponse.json(await getPushBatch(caller, batchId.data), { headers: { "Cache-Control": "no-store" } });
});
