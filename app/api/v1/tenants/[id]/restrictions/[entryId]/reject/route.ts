import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { rejectTenantNetwork } from "@/lib/db/queries/tenants";
import { AppError } from "@/lib/errors";
import { tenantIdSchema } from "@/lib/validation/tenant";

// An administrator rejects (deletes) a tenant network that waits for approval (ADMIN only; audited).

const params = z.object({ id: tenantIdSchema, entryId: z.string() });

export const POST = apiRoute({ permission: "tenants:write", params }, async ({ caller, params }) => {
  const entryId = z.uuid().safeParse(params.entryId);
  if (!entryId.success) throw new AppError("NOT_FOUND", "The network does not exist.");
  return rejectTenantNetwork(caller, params.id, { id: entryId.data });
});
