import { z } from "zod";

export const roles = ["ADMIN", "OPERATOR", "TENANT_ADMIN", "VIEWER"] as const;
export const roleSchema = z.enum(roles, { error: "Role must be one of ADMIN, OPERATOR, TENANT_ADMIN, VIEWER." });

/** E-mail as stored: trimmed of nothing, lower-cased, at most 254 characters. */
export const emailSchema = z
  .string({ error: "E-mail is required." })
  .max(254, "E-mail is too long.")
  .pipe(z.email({ error: "Enter a valid e-mail address." }))
  .transform((v) => v.toLowerCase());

export const passwordSchema = z
  .string({ error: "Password is required." })
  .min(12, "Use at least 12 characters.")
  .max(256, "Use at most 256 characters.");

export const signInSchema = z.object({
  email: z.string().max(254).transform((v) => v.trim().toLowerCase()),
  // Sign-in does not enforce the password policy (it may have changed); only bounds the work.
  password: z.string().min(1, "Password is required.").max(256),
});

export const userCreateSchema = z
  .object({
    email: emailSchema,
    name: z.string().max(120, "Name is too long.").default(""),
    role: roleSchema,
    tenantId: z.uuid({ error: "Choose a tenant." }).nullish(),
  })
  .refine((v) => (v.role === "TENANT_ADMIN") === Boolean(v.tenantId), {
    message: "A tenant administrator needs a tenant; other roles must not have one.",
    path: ["tenantId"],
  });

export const tokenCreateSchema = z
  .object({
    name: z.string().trim().min(1, "Name is required.").max(80, "Name is too long."),
    role: roleSchema,
    tenantId: z.uuid().nullish(),
    expiresAt: z.coerce.date().nullish(),
  })
  .refine((v) => (v.role === "TENANT_ADMIN") === Boolean(v.tenantId), {
    message: "A tenant-scoped token needs a tenant; other roles must not have one.",
    path: ["tenantId"],
  });
