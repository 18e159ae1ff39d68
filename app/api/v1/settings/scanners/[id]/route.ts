import { NextResponse } from "next/server";
import { z } from "zod";

import { apiRoute, readJson } from "@/lib/api/handler";
import { deleteScanner, getScanner, updateScanner, type ScannerView } from "@/lib/db/queries/scanners";
import { scannerUpdateSchema } from "@/lib/validation/settings";

// One scanner signature: GET, PATCH (pattern, enabled and/or comment), DELETE. Malformed ids answer 404.

const params = z.object({ id: z.uuid() });
const toApiScanner = ({ id, pattern, enabled, comment }: ScannerView) => ({ id, pattern, enabled, comment });

export const GET = apiRoute({ permission: "policy:read", params }, async ({ caller, params: { id } }) => toApiScanner(await getScanner(caller, id)));

export const PATCH = apiRoute({ permission: "policy:write", params }, async ({ request, caller, params: { id } }) =>
  toApiScanner(await updateScanner(caller, id, scannerUpdateSchema.parse(await readJson(request)))),
);

export const DELETE = apiRoute({ permission: "policy:write", params }, async ({ caller, params: { id } }) => {
  await deleteScanner(caller, id);
  return new NextResponse(null, { status: 204 });
});
