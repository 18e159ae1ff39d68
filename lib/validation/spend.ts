import { z } from "zod";

import { isUuid } from "@/lib/validation/ids";
import { safeText } from "@/lib/validation/text";

// Asking for spend against the call-cost limits (lib/db/queries/spend.ts): every tenant the caller may see, or one.
// Shared by the Spend page and GET /api/v1/spend.

export const spendQuerySchema = z.strictObject({
  tenantId: safeText()
    .refine(isUuid, "tenantId must be a tenant id.")
    .transform((id) => id.toLowerCase())
    .optional(),
});

export type SpendQuery = z.output<typeof spendQuerySchema>;
