import { safeText } from "@/lib/validation/text";

// Node names and tags: they appear in URLs, CLI arguments and (names) rendered comments, so a plain slug.
// Kept apart from ./node.ts, which checks private keys with ssh2: the push dialog runs in the browser and
// must not pull Node's SSH client into the page.

export const NODE_SLUG_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

export const nodeNameSchema = safeText({ error: "Name must be text." })
  .trim()
  .min(1, "Enter a name for the node.")
  .max(63, "Name is too long: at most 63 characters.")
  .regex(NODE_SLUG_PATTERN, "Use lower-case letters, digits and hyphens, starting with a letter (for example pbx-1).");

export const nodeTagSchema = safeText({ error: "A tag must be text." })
  .trim()
  .regex(NODE_SLUG_PATTERN, "Each tag uses lower-case letters, digits and hyphens, starts with a letter and has at most 63 characters.");
