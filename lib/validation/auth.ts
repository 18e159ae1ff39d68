import { z } from "zod";
import { safeText } from "@/lib/validation/text";

// Users, API tokens and sign-in: the zod schemas shared by the forms, server actions, REST API and CLI.

export const roles = ["ADMIN", "OPERATOR", "TENANT_ADMIN", "VIEWER"] as const;
export const roleSchema = z.enum(roles, { error: "Role must be one of ADMIN, OPERATOR, TENANT_ADMIN, VIEWER." });

/** E-mail as stored: trimmed of nothing, lower-cased, at most 254 characters. */
export const emailSchema = safeText({ error: "E-mail is required." })
  .max(254, "E-mail is too long.")
  .pipe(z.email({ error: "Enter a valid e-mail address." }))
  .transform((v) => v.toLowerCase());

export const passwordSchema = safeText({ error: "Password is required." })
  .min(12, "Use at least 12 characters.")
  .max(256, "Use at most 256 characters.");

export const signInSchema = z.object({
  email: safeText().max(254).transform((v) => v.trim().toLowerCase()),
  // Sign-in does not enforce the password policy (it may have changed); only bounds the work.
  password: z.string().min(1, "Password is required.").max(256),
});

const NAME_MAX_LENGTH = 120;

/** A person's display name: optional, no control or invisible characters. */
export const userNameSchema = safeText({ error: "Name must be text." })
  .trim()
  .max(NAME_MAX_LENGTH, `Name is too long: at most ${NAME_MAX_LENGTH} characters.`)
  .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, "Name must not contain control or invisible characters.");

const tenantIdField = z.uuid({ error: "Choose a tenant." });
const TENANT_RULE = "A tenant administrator needs a tenant; other roles must not have one.";

export const userCreateSchema = z
  .object({
    // Forms and scripts paste addresses with stray spaces; the stored e-mail never has them.
    email: safeText({ error: "E-mail is required." }).trim().pipe(emailSchema),
    name: userNameSchema.default(""),
    role: roleSchema,
    tenantId: tenantIdField.nullish(),
  })
  .refine((v) => (v.role === "TENANT_ADMIN") === Boolean(v.tenantId), { message: TENANT_RULE, path: ["tenantId"] });
export type UserCreate = z.output<typeof userCreateSchema>;

/**
 * A partial change of a user. Leaving `tenantId` out while changing the role away from TENANT_ADMIN clears
 * the tenant; the data layer checks the role/tenant rule against the merged result.
 */
export const userUpdateSchema = z
  .strictObject({
    name: userNameSchema.optional(),
    role: roleSchema.optional(),
    tenantId: tenantIdField.nullable().optional(),
    disabled: z.boolean({ error: "disabled must be true or false." }).optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), "Send at least one of name, role, tenantId, disabled.");
export type UserUpdate = z.output<typeof userUpdateSchema>;

/** The edit form always sends name, role and tenant together. */
export const userEditFormSchema = z
  .object({ name: userNameSchema, role: roleSchema, tenantId: tenantIdField.nullable() })
  .refine((v) => (v.role === "TENANT_ADMIN") === Boolean(v.tenantId), { message: TENANT_RULE, path: ["tenantId"] });

export const userIdSchema = z.uuid({ error: "User id must be a UUID." });
export const tokenIdSchema = z.uuid({ error: "Token id must be a UUID." });

/** A moment in ISO 8601: a date-time with `Z` or an offset, or a date alone (midnight UTC). */
export const instantSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: "Use an ISO 8601 date-time with a time zone, such as 2030-01-31T12:00:00Z, or a date such as 2030-01-31.",
  })
  .transform((text) => new Date(text.length === 10 ? `${text}T00:00:00Z` : text));

export const TOKEN_NAME_MAX_LENGTH = 80;

export const tokenCreateSchema = z
  .object({
    name: safeText({ error: "Name is required." })
      .trim()
      .min(1, "Name is required.")
      .max(TOKEN_NAME_MAX_LENGTH, `Name is too long: at most ${TOKEN_NAME_MAX_LENGTH} characters.`)
      .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, "Name must not contain control or invisible characters."),
    role: roleSchema,
    tenantId: tenantIdField.nullish(),
    expiresAt: instantSchema
      .refine((date) => date.getTime() > Date.now(), "The expiry must be in the future.")
      .nullish(),
  })
  .refine((v) => (v.role === "TENANT_ADMIN") === Boolean(v.tenantId), {
    message: "A tenant-scoped token needs a tenant; other roles must not have one.",
    path: ["tenantId"],
  });
export type TokenCreate = z.output<typeof tokenCreateSchema>;

/**
 * Expiry choices of the token form, in days; the form offers those within the token lifetime, and ""
 * (null here) means the lifetime itself. No token lives for ever.
 */
export const TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;
export const tokenExpiryDaysSchema = z
  .enum(["", ...TOKEN_EXPIRY_DAYS.map(String)] as [string, ...string[]], { error: "Choose when the token expires." })
  .transform((text) => (text === "" ? null : Number(text)));

/** The administrator's longest token life in days (also the default expiry): a day to ten years. */
export const TOKEN_LIFETIME_DAYS = { default: 90, min: 1, max: 3650 } as const;
export const tokenSettingsSchema = z.strictObject({
  lifetimeDays: z
    .number({ error: "Enter the token lifetime in days." })
    .int("Enter a whole number of days.")
    .min(TOKEN_LIFETIME_DAYS.min, `The token lifetime is at least ${TOKEN_LIFETIME_DAYS.min} day.`)
    .max(TOKEN_LIFETIME_DAYS.max, `The token lifetime is at most ${TOKEN_LIFETIME_DAYS.max} days (ten years).`),
});

// ---------------------------------------------------------------------------------------------------------
// Keyset pagination of the user and token lists (`?limit=&cursor=`)
// ---------------------------------------------------------------------------------------------------------

export const LIST_LIMITS = { default: 50, max: 200 } as const;

/** `?limit=&cursor=`; an unknown parameter is an error rather than silently ignored. */
export const listQuerySchema = z.strictObject({
  limit: safeText()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === "") return LIST_LIMITS.default;
      if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > LIST_LIMITS.max) {
        ctx.addIssue({ code: "custom", message: `limit must be a whole number from 1 to ${LIST_LIMITS.max}.` });
        return z.NEVER;
      }
      return Number(text);
    }),
  // Opaque to clients; the data layer decodes it and answers 422 for one it did not make.
  cursor: safeText()
    .max(2_000, "cursor is not valid: pass the nextCursor of the previous page unchanged.")
    .optional()
    .transform((text) => (text ? text : undefined)),
});
export type ListQuery = z.output<typeof listQuerySchema>;

/** GET /api/v1/users: the page plus `search` (part of an e-mail or a name). */
export const userListQuerySchema = z.strictObject({
  ...listQuerySchema.shape,
  search: safeText()
    .trim()
    .max(254, "search is too long: at most 254 characters.")
    .optional()
    .transform((text) => (text ? text : undefined)),
});
