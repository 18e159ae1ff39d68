import { apiRoute } from "@/lib/api/handler";
import { listBans } from "@/lib/db/queries/bans";
import { banListApiQuerySchema } from "@/lib/validation/bans";

// GET /api/v1/bans?q=&country=&jail=&node=&sort=&limit=&cursor=: the Bans page's list, one row per currently banned
// address. Tenant administrators see only addresses inside their tenant's restrictions (listBans scopes it).
export const GET = apiRoute({ permission: "bans:read" }, async ({ request, caller }) => {
  const query = banListApiQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return listBans(caller, query);
});
