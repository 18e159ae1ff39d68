import { apiRoute } from "@/lib/api/handler";
import { listAuditLog } from "@/lib/db/queries/audit-log";
import { auditApiQuerySchema } from "@/lib/validation/audit-log";

/** GET /api/v1/audit: entries newest first, filtered like the Audit page; `nextCursor` pages to older ones. */
export const GET = apiRoute({ permission: "audit:read" }, async ({ request, caller }) => {
  const { limit, cursor, ...filter } = auditApiQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  const page = await listAuditLog(caller, filter, { limit, cursor, direction: "older" });
  return { items: page.items, nextCursor: page.olderCursor };
});
