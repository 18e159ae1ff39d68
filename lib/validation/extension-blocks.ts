import { z } from "zod";

import { accountCodeSchema, GUARD_WORD_PATTERN } from "@/lib/validation/call-guard";
import { isUuid } from "@/lib/validation/ids";
import { pageCursorSchema, pageLimitSchema } from "@/lib/validation/paging";
import { safeText } from "@/lib/validation/text";

// The call guard's extension blocks (lib/db/queries/extension-blocks.ts): listing them, open ones first, and lifting
// one by its id or by its account code and extension. Shared by the Blocked extensions page, the API and the CLI.

export const EXTENSION_BLOCK_PAGE_LIMITS = { default: 50, max: 500 } as const;

export const extensionBlockListSchema = z.strictObject({
  /** "true": only blocks still in force; "false" or absent: every block, the open ones first. */
  open: z
    .enum(["true", "false"], { error: "open must be true or false." })
    .optional()
    .transform((value) => value === "true"),
  limit: pageLimitSchema(EXTENSION_BLOCK_PAGE_LIMITS),
  cursor: pageCursorSchema,
});
export type ExtensionBlockListQuery = z.output<typeof extensionBlockListSchema>;

export const extensionBlockIdSchema = safeText({ error: "Block id must be text." })
  .refine(isUuid, "Block id must be a block id.")
  .transform((id) => id.toLowerCase());

/** The PJSIP endpoint name the guard blocked: a word, as the guard keys on it. */
export const guardExtensionSchema = safeText({ error: "Extension must be text." })
  .trim()
  .regex(GUARD_WORD_PATTERN, { error: "Extension: 1 to 40 letters, digits, - or _ (the calling PJSIP endpoint)." });

export const liftBlockByExtensionSchema = z.strictObject({ accountCode: accountCodeSchema, extension: guardExtensionSchema });
export type LiftBlockByExtension = z.output<typeof liftBlockByExtensionSchema>;
