import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { apiRoute, readBodyText, readJson } from "@/lib/api/handler";
import { importRouteRates } from "@/lib/db/queries/route-rates";
import { AppError } from "@/lib/errors";
import { MAX_RATE_IMPORT_BYTES, RATE_IMPORT_TOO_LARGE_MESSAGE, rateImportBodySchema, rateImportQuerySchema } from "@/lib/validation/rates";
import { assertSafeInput } from "@/lib/validation/text";
import { searchParamsObject } from "@/lib/validation/tenant";

// Replaces a route's rate table with a CSV (prefix,description,cost_per_minute,increment,connection_fee), only
// when every line is good; 422 lists the rejected lines, and nothing is stored. ?dryRun=true checks only.

const params = z.object({ id: z.uuid() });

/** The CSV as text/csv or text/plain with ?dryRun= in the query, or JSON { text, dryRun }. */
async function readRateImport(request: NextRequest): Promise<{ text: string; dryRun: boolean }> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") return rateImportBodySchema.parse(await readJson(request, Math.ceil(MAX_RATE_IMPORT_BYTES * 1.25) + 1024));
  if (type === "text/csv" || type === "text/plain" || type === "") {
    const text = await readBodyText(request, MAX_RATE_IMPORT_BYTES, RATE_IMPORT_TOO_LARGE_MESSAGE);
    assertSafeInput({ text }, "Body");
    return { text, ...rateImportQuerySchema.parse(searchParamsObject(request.nextUrl.searchParams)) };
  }
  throw new AppError("BAD_REQUEST", 'Send the rates as text/csv, or JSON { "text": "..." }.');
}

export const POST = apiRoute({ permission: "policy:write", params }, async ({ request, caller, params }) => {
  const { text, dryRun } = await readRateImport(request);
  // The dashboard's import dialog posts here with the session cookie; the audit log tells the two apart.
  const source = caller.actor.type === "USER" ? "dashboard" : "api";
  const report = await importRouteRates(caller, params.id, text, { dryRun, source });
  if (report.rejectedCount === 0) return report;
  const lines = report.rejectedCount === 1 ? "1 line was" : `${report.rejectedCount.toLocaleString("en-US")} lines were`;
  return NextResponse.json({ error: `${lines} rejected; nothing was stored. Fix ${report.rejectedCount === 1 ? "it" : "them"} and import the whole file again.`, ...report }, { status: 422 });
});
