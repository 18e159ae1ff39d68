import { NextResponse } from "next/server";

import { apiRoute, readJson } from "@/lib/api/handler";
import { createScanner, listScanners, replaceScanners, type ScannerView } from "@/lib/db/queries/scanners";
import { assertCompleteBody, scannerCreateSchema, scannerListSchema } from "@/lib/validation/settings";

// The scanner signature list. GET returns it whole (at most 500 entries, so unpaginated); PUT replaces it
// (items keep their id, or match a stored signature by exact pattern; the rest are added or deleted);
// POST adds one.

const toApiScanner = ({ id, pattern, enabled, comment }: ScannerView) => ({ id, pattern, enabled, comment });

export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => ({
  signatures: (await listScanners(caller)).map(toApiScanner),
}));

export const PUT = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => {
  const body = await readJson(request);
  assertCompleteBody(scannerListSchema, body);
  const result = await replaceScanners(caller, scannerListSchema.parse(body));
  return { ...result, signatures: result.signatures.map(toApiScanner) };
});

export const POST = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => {
  const created = await createScanner(caller, scannerCreateSchema.parse(await readJson(request)));
  return NextResponse.json(toApiScanner(created), { status: 201 });
});
