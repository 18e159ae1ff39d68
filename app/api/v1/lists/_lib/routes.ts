import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { apiRoute, readBodyText, readJson } from "@/lib/api/handler";
import type { Caller } from "@/lib/auth/caller";
import type { Permission } from "@/lib/auth/permissions";
import {
  countAddressEntries,
  createAddressEntry,
  deleteAddressEntries,
  deleteAddressEntry,
  getAddressEntry,
  importAddressText,
  iterateAddressEntries,
  listAddressEntries,
  updateAddressEntry,
  type ExportRow,
  type ImportReport,
} from "@/lib/db/queries/address-entries";
import { AppError } from "@/lib/errors";
import { csvHeader, entryToCsvRow, exportFileName } from "@/lib/lists/export";
import type { ImportReportView } from "@/lib/lists/import-report";
import type { ListTarget } from "@/lib/lists/targets";
import {
  bulkDeleteSchema,
  entryCreateSchema,
  entryFilterSchema,
  entryUpdateSchema,
  importBodySchema,
  importOptionsSchema,
  listQuerySchema,
  IMPORT_TOO_LARGE_MESSAGE,
} from "@/lib/validation/address-entry";
import { MAX_IMPORT_BYTES, MAX_IMPORT_REQUEST_BYTES } from "@/lib/lists/import-limit.mjs";
import { assertSafeInput, safeText } from "@/lib/validation/text";

// Route handlers shared by /api/v1/whitelist, /api/v1/blocklist and /api/v1/tenants/{id}/restrictions (and the
// export of /api/v1/settings/management-access): parse with the shared schemas, call the one DAL, respond.

type Params = Record<string, string | string[]>;

export interface ListRouteSpec<P extends z.ZodType> {
  read: Permission;
  write: Permission;
  params?: P;
  /** The list the request is about, from the parsed path parameters. */
  target: (params: z.infer<P>) => ListTarget;
  /** Name of the path parameter holding the entry id (default "id"). */
  entryParam?: string;
  /** File name stem of exports. */
  slug: (params: z.infer<P>) => string;
}

function searchParamsOf(request: NextRequest): Record<string, string> {
  return Object.fromEntries(request.nextUrl.searchParams);
}

const entryIdSchema = z.uuid();

function entryIdOf(params: unknown, name: string): string {
  const value = (params as Params)[name];
  const parsed = entryIdSchema.safeParse(value);
  // Malformed ids are simply ids that do not exist.
  if (!parsed.success) throw new AppError("NOT_FOUND", "The entry does not exist (it may have been deleted).");
  return parsed.data;
}

/** Rejected lines listed in one API answer; the count covers all of them. */
const MAX_LISTED_REJECTIONS = 10_000;

export function importResponse(report: ImportReport): ImportReportView {
  return {
    format: report.format,
    lines: report.lines,
    skipped: report.skipped,
    accepted: report.accepted,
    rejectedCount: report.rejected.length,
    duplicates: report.duplicates,
    covered: report.covered,
    pending: report.pending,
    notices: report.notices,
    rejected: report.rejected.slice(0, MAX_LISTED_REJECTIONS),
    isRejectedTruncated: report.rejected.length > MAX_LISTED_REJECTIONS,
  };
}

const booleanParam = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "Use true or false." })
  .optional()
  .transform((v) => (v === undefined ? undefined : v === "true" || v === "1" || v === "yes"));

const importQuerySchema = z.object({
  format: safeText().optional(),
  comment: safeText().optional(),
  allowCovered: booleanParam,
  confirmBroad: booleanParam,
  /** Whitelist: the scope of lines without their own (`?scope=SIP`). */
  scope: safeText().optional(),
});

/** A JSON body `{ text, ...options }`, or the file itself as text/plain or text/csv with options in the query. */
async function readImport(request: NextRequest) {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") return importBodySchema.parse(await readJson(request, MAX_IMPORT_REQUEST_BYTES));
  if (type === "text/plain" || type === "text/csv" || type === "") {
    const text = await readBodyText(request, MAX_IMPORT_BYTES, IMPORT_TOO_LARGE_MESSAGE);
    assertSafeInput({ text }, "Body");
    const query = importQuerySchema.parse(searchParamsOf(request));
    const options = importOptionsSchema.parse({ ...query, format: query.format ?? (type === "text/csv" ? "csv" : "auto") });
    return { ...options, text };
  }
  throw new AppError("BAD_REQUEST", "Send the lines as text/plain or text/csv, or JSON { \"text\": \"...\" }.");
}

/** CSV of the whole list, streamed batch by batch. The first batch is read before answering, so errors keep their status. */
export async function exportResponse(caller: Caller, target: ListTarget, slug: string): Promise<Response> {
  const batches = iterateAddressEntries(caller, target);
  const first = await batches.next();
  const encoder = new TextEncoder();
  const now = new Date();
  let pending: IteratorResult<ExportRow[], void> | null = first;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvHeader({ hasScope: target.kind === "whitelist" })));
    },
    async pull(controller) {
      const result: IteratorResult<ExportRow[], void> = pending ?? (await batches.next());
      pending = null;
      if (result.done || !result.value) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(result.value.map((row) => entryToCsvRow(row, now)).join("")));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFileName(slug, now)}"`,
      "cache-control": "no-store",
    },
  });
}

/** GET (page, or ?covers=) and POST (create) of a list collection. */
export function collectionRoutes<P extends z.ZodType>(spec: ListRouteSpec<P>) {
  return {
    GET: apiRoute({ permission: spec.read, params: spec.params }, async ({ request, caller, params }) => {
      const query = listQuerySchema.parse(searchParamsOf(request));
      return listAddressEntries(caller, spec.target(params), query);
    }),
    POST: apiRoute({ permission: spec.write, params: spec.params }, async ({ request, caller, params }) => {
      const input = entryCreateSchema.parse(await readJson(request));
      const result = await createAddressEntry(caller, spec.target(params), input);
      return NextResponse.json({ ...result.entry, notices: result.notices }, { status: 201 });
    }),
  };
}

/** GET, PATCH and DELETE of one entry. */
export function entryRoutes<P extends z.ZodType>(spec: ListRouteSpec<P>) {
  const param = spec.entryParam ?? "id";
  return {
    GET: apiRoute({ permission: spec.read, params: spec.params }, async ({ caller, params }) => {
      return getAddressEntry(caller, spec.target(params), entryIdOf(params, param));
    }),
    PATCH: apiRoute({ permission: spec.write, params: spec.params }, async ({ request, caller, params }) => {
      const id = entryIdOf(params, param);
      const input = entryUpdateSchema.parse(await readJson(request));
      const result = await updateAddressEntry(caller, spec.target(params), id, input);
      return { ...result.entry, notices: result.notices };
    }),
    DELETE: apiRoute({ permission: spec.write, params: spec.params }, async ({ caller, params }) => {
      await deleteAddressEntry(caller, spec.target(params), entryIdOf(params, param));
      return new Response(null, { status: 204 });
    }),
  };
}

export function importRoute<P extends z.ZodType>(spec: ListRouteSpec<P>) {
  return apiRoute({ permission: spec.write, params: spec.params }, async ({ request, caller, params }) => {
    const { text, ...options } = await readImport(request);
    // The dashboard's import dialog posts here with the session cookie (route handlers have no body limit of
    // their own, server actions do): the audit log tells the two apart by who is calling.
    const source = caller.actor.type === "USER" ? "dashboard" : "api";
    const report = await importAddressText(caller, spec.target(params), text, { ...options, source });
    return importResponse(report);
  });
}

export function exportRoute<P extends z.ZodType>(spec: ListRouteSpec<P>) {
  return apiRoute({ permission: spec.read, params: spec.params }, async ({ caller, params }) => {
    return exportResponse(caller, spec.target(params), spec.slug(params));
  });
}

export function bulkDeleteRoute<P extends z.ZodType>(spec: ListRouteSpec<P>) {
  return apiRoute({ permission: spec.write, params: spec.params }, async ({ request, caller, params }) => {
    const input = bulkDeleteSchema.parse(await readJson(request));
    return deleteAddressEntries(caller, spec.target(params), input);
  });
}

export function countRoute<P extends z.ZodType>(spec: ListRouteSpec<P>) {
  return apiRoute({ permission: spec.read, params: spec.params }, async ({ request, caller, params }) => {
    const filter = entryFilterSchema.parse(searchParamsOf(request));
    return { count: await countAddressEntries(caller, spec.target(params), filter) };
  });
}

/** No path parameters of its own; loose, so the entry routes' `id` reaches entryIdOf. */
const noParams = z.looseObject({});

export const whitelistSpec: ListRouteSpec<typeof noParams> = {
  read: "policy:read",
  write: "policy:write",
  params: noParams,
  target: () => ({ kind: "whitelist" }),
  slug: () => "whitelist",
};

export const blocklistSpec: ListRouteSpec<typeof noParams> = {
  read: "policy:read",
  write: "policy:write",
  params: noParams,
  target: () => ({ kind: "blocklist" }),
  slug: () => "blocklist",
};

export const managementSpec: ListRouteSpec<typeof noParams> = {
  read: "policy:read",
  write: "policy:write",
  params: noParams,
  target: () => ({ kind: "management" }),
  slug: () => "management-access",
};

const tenantParams = z.object({ id: z.uuid(), entryId: safeText().optional() });

export const tenantRestrictionsSpec: ListRouteSpec<typeof tenantParams> = {
  read: "restrictions:read",
  write: "restrictions:write",
  params: tenantParams,
  target: (params) => ({ kind: "tenant", tenantId: params.id }),
  entryParam: "entryId",
  slug: (params) => `tenant-${params.id}-restrictions`,
};
