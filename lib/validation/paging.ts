import { z } from "zod";

import { safeText } from "@/lib/validation/text";

// Query parameters of keyset-paged lists (audit log, ruleset versions): a page size within bounds and an opaque
// cursor handed back unchanged. Text in, as query strings bring it.

/** `limit`: absent or empty → the default; otherwise a whole number from 1 to `max`, or a message saying so. */
export function pageLimitSchema(limits: { readonly default: number; readonly max: number }) {
  return safeText()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === "") return limits.default;
      if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > limits.max) {
        ctx.addIssue({ code: "custom", message: `limit must be a whole number from 1 to ${limits.max}.` });
        return z.NEVER;
      }
      return Number(text);
    });
}

/** `cursor`: the previous page's cursor, unchanged; absent or empty → the first page. */
export const pageCursorSchema = safeText()
  .max(2_000, "cursor is not valid: pass the cursor of the previous page unchanged.")
  .optional()
  .transform((text) => (text ? text : undefined));
