import { z } from "zod";

import { isUuid } from "@/lib/validation/ids";
import { pageCursorSchema, pageLimitSchema } from "@/lib/validation/paging";
import { safeText } from "@/lib/validation/text";

// Listing the call records the collector stored (lib/db/queries/call-records.ts): by node, by account code or
// both, newest first, one keyset page at a time. Shared by whatever edge lists them (page, API, CLI).

export const CALL_RECORD_PAGE_LIMITS = { default: 50, max: 500 } as const;

export const callRecordListSchema = z.strictObject({
  nodeId: safeText()
    .refine(isUuid, "nodeId must be a node id.")
    .transform((id) => id.toLowerCase())
    .optional(),
  /** An Asterisk account code exactly as the CDR holds it (cdr_csv's text fields are at most 256 characters). */
  accountCode: safeText().max(256, "accountCode is too long.").optional(),
  limit: pageLimitSchema(CALL_RECORD_PAGE_LIMITS),
  cursor: pageCursorSchema,
});

export type CallRecordListQuery = z.output<typeof callRecordListSchema>;
