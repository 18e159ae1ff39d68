import { apiRoute } from "@/lib/api/handler";
import { listCallRecords } from "@/lib/db/queries/call-records";
import { callRecordListSchema } from "@/lib/validation/call-records";

// GET /api/v1/calls?nodeId=&accountCode=&limit=&cursor=: the call records the nodes' Asterisk wrote, newest first.
// Read-only; nothing enforces call limits from them yet. Tenant administrators are refused (nodes:read): account
// codes are not tied to tenants yet.
export const GET = apiRoute({ permission: "nodes:read" }, async ({ request, caller }) => {
  const query = callRecordListSchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return listCallRecords(caller, query);
});
