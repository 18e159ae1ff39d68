import { z } from "zod";
import { pageCursorSchema, pageLimitSchema } from "@/lib/validation/paging";
import { safeText } from "@/lib/validation/text";

// Filters and paging of the audit log, shared by the Audit page (query string of its GET form) and
// GET /api/v1/audit. Times without a zone are UTC: the page shows and asks for UTC throughout.

function optionalText(max: number, label: string) {
  return safeText({ error: `${label} must be text.` })
    .trim()
    .max(max, `${label} is too long: at most ${max} characters.`)
    .regex(/^[^\p{Cc}]*$/u, `${label} must not contain control characters.`)
    .optional()
    .transform((text) => (text ? text : undefined));
}

const TIME_MESSAGE = "Use a date and time such as 2030-01-31T12:00 (UTC), an ISO 8601 time with a zone, or a date such as 2030-01-31.";
const HAS_ZONE = /(?:Z|[+-]\d\d:\d\d)$/i;

/** A bound of the time filter; `isEndOfRange` makes a date alone mean the end of that day. */
function timeBound(isEndOfRange: boolean) {
  return z
    .union([z.literal(""), z.iso.datetime({ local: true, offset: true }), z.iso.date()], { error: TIME_MESSAGE })
    .optional()
    .transform((text) => {
      if (!text) return undefined;
      if (text.length === 10) {
        const start = new Date(`${text}T00:00:00.000Z`);
        return isEndOfRange ? new Date(start.getTime() + 86_400_000 - 1) : start;
      }
      return new Date(HAS_ZONE.test(text) ? text : `${text}Z`);
    });
}

const auditFilterShape = {
  /** Part of the actor's label: a user's e-mail, `token:<name>`, `cli:<os user>`, `system`. */
  actor: optionalText(254, "User"),
  objectType: optionalText(64, "Object type"),
  objectId: optionalText(200, "Object id"),
  /** An exact action (`user.create`) or a family of actions (`user` matches every `user.*`). */
  action: optionalText(100, "Action"),
  from: timeBound(false),
  to: timeBound(true),
};

const isRangeInOrder = (v: { from?: Date; to?: Date }) => !v.from || !v.to || v.from <= v.to;
const rangeError = () => ({ message: "The end of the range is before its start.", path: ["to"] });

export const auditFilterSchema = z.object(auditFilterShape).refine(isRangeInOrder, rangeError());
export type AuditFilter = z.output<typeof auditFilterSchema>;

export const AUDIT_PAGE_LIMITS = { default: 50, max: 200 } as const;

const limitSchema = pageLimitSchema(AUDIT_PAGE_LIMITS);
const cursorSchema = pageCursorSchema;

export const auditPageSchema = z.object({
  limit: limitSchema,
  cursor: cursorSchema,
  /** Which way from the cursor: older entries (the default, and the API's nextCursor) or newer ones. */
  direction: z.enum(["older", "newer"], { error: "direction must be older or newer." }).default("older"),
});
export type AuditPageQuery = z.output<typeof auditPageSchema>;

/** GET /api/v1/audit: the filters plus `limit` and `cursor`; an unknown parameter is an error, not ignored. */
export const auditApiQuerySchema = z
  .strictObject({ ...auditFilterShape, limit: limitSchema, cursor: cursorSchema })
  .refine(isRangeInOrder, rangeError());
