import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { listPendingTenantNetworks } from "@/lib/db/queries/tenants";
import { tenantIdSchema } from "@/lib/validation/tenant";

// The tenant's networks that wait for an administrator's approval, oldest first.

const params = z.object({ id: tenantIdSchema });

export const GET = apiRoute({ permission: "restrictions:read", params }, async ({ caller, params }) => ({
  items: await listPendingTenantNetworks(caller, params.id),
}));
