import { z } from "zod";
import { pageCursorSchema, pageLimitSchema } from "@/lib/validation/paging";
import { safeText } from "@/lib/validation/text";

// Naming and paging stored ruleset versions, shared by the version history page, GET /api/v1/rulesets/versions…
// and `rampart versions`. A version is named by its SHA-256 hash or a unique prefix of at least 8 characters
// (what the page and the CLI print is the first 12).

export const VERSION_REF_MESSAGE = "A version is its hash: hexadecimal, 64 characters or a unique prefix of at least 8.";

/** How many characters of a hash the page and the CLI show. */
export const SHORT_HASH_LENGTH = 12;

/** The lines a diff lists per artefact and side; the counts are always complete. */
export const DIFF_LINE_LIMIT = 200;

export const VERSION_PAGE_LIMITS = { default: 25, max: 100 } as const;

/** A full hash or a prefix of one, trimmed and lower-cased. */
export const versionRefSchema = safeText({ error: VERSION_REF_MESSAGE })
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{8,64}$/, VERSION_REF_MESSAGE);

const limitSchema = pageLimitSchema(VERSION_PAGE_LIMITS);
const cursorSchema = pageCursorSchema;

const versionPageShape = { limit: limitSchema, cursor: cursorSchema };

/** The page's query string: `cursor` (and `limit`); other parameters belong to the page (compare). */
export const versionPageSchema = z.object(versionPageShape);
/** GET /api/v1/rulesets/versions: an unknown parameter is an error, not ignored. */
export const versionListApiQuerySchema = z.strictObject(versionPageShape);
export type VersionPageQuery = z.output<typeof versionPageSchema>;

/** GET /api/v1/rulesets/versions/{hash}/diff: the version to compare {hash} with. */
export const versionDiffApiQuerySchema = z.strictObject({ against: versionRefSchema });

/** The {hash} path parameter of the version routes. */
export const versionPathSchema = z.object({ hash: versionRefSchema });
