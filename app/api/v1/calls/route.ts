import { apiRoute } from "@/lib/api/handler";
import { listCallRecords } from "@/lib/db/queries/call-records";
import { callRecordListSchema } from "@/lib/validation/call-records";

// GET /api/v1/calls?nodeId=&accountCode=&limit=&cursor=: the call records the nodes' Asterisk wrote, newest first,
// with the call guard's decision and cost. A tenant administrator gets only the tenant's account code.
export const GET = apiRoute({ permission: "calls:read" }, async ({ request, caller }) => {
  const query = callRecordListSchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return listCallRecords(caller, query);
});
