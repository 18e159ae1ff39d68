/**
 * zod schemas for the e-mail notification settings (Settings page, its server actions, later the API): the SMTP
 * server, the sender and recipients, and the digest window. The form sends text; `notificationFormSchema` turns
 * it into the stored shape with one clear message per bad field. Addresses go through zod's e-mail check, which
 * refuses CR/LF, so nothing here can inject a mail header.
 */
import { z } from "zod";

import { parseNetwork } from "@/lib/net/parse";
import { safeText } from "@/lib/validation/text";

export const SMTP_TLS_MODES = ["NONE", "STARTTLS", "TLS"] as const;
export type SmtpTlsModeValue = (typeof SMTP_TLS_MODES)[number];

export const SMTP_TLS_LABELS: Record<SmtpTlsModeValue, string> = {
  NONE: "None (plain text, trusted networks only)",
  STARTTLS: "STARTTLS (usually port 587)",
  TLS: "TLS from the start (usually port 465)",
};

export const MAX_RECIPIENTS = 20;
/** One digest per window: between 1 minute and 1 day. */
export const DIGEST_WINDOW_MINUTES = { min: 1, max: 1_440 } as const;
export const DEFAULT_DIGEST_WINDOW_SECONDS = 300;

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
// Printable characters only: the user name goes into the SMTP AUTH exchange.
const PRINTABLE = /^[\x21-\x7e]*$/;

/** A DNS name or an IPv4/IPv6 address (no brackets, no port). */
export function isSmtpHost(text: string): boolean {
  if (HOSTNAME.test(text)) return true;
  const parsed = parseNetwork(text);
  return parsed.ok && parsed.value.isHost && !text.includes("/");
}

const emailField = (what: string) =>
  safeText({ error: `${what} must be text.` })
    .trim()
    .max(254, `${what} is too long (at most 254 characters).`)
    .pipe(z.email({ error: `${what} must be an e-mail address such as noc@example.com.` }));

/** What the password field asks for: keep the stored one, replace it, or remove it. */
export const passwordChangeSchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("keep") }),
  z.strictObject({
    action: z.literal("set"),
    value: safeText({ error: "The password must be text." })
      .min(1, "Enter the password, or leave the field empty to keep the stored one.")
      .max(512, "The password is too long (at most 512 characters).")
      .refine((v) => !/[\r\n\0]/.test(v), "The password cannot contain line breaks."),
  }),
  z.strictObject({ action: z.literal("clear") }),
]);
export type PasswordChange = z.output<typeof passwordChangeSchema>;

/** The stored settings as the DAL writes them (the password as a change: it is never read back). */
export const notificationSettingsSchema = z
  .strictObject({
    enabled: z.boolean({ error: "Enabled must be true or false." }),
    smtpHost: safeText({ error: "The SMTP server must be text." })
      .trim()
      .max(253, "The SMTP server name is too long (at most 253 characters).")
      .refine((v) => v === "" || isSmtpHost(v), "Enter a host name such as smtp.example.com or an IP address, without a port."),
    smtpPort: z
      .number({ error: "The port must be a number." })
      .int("The port must be a whole number.")
      .min(1, "The port must be between 1 and 65535.")
      .max(65_535, "The port must be between 1 and 65535."),
    smtpTlsMode: z.enum(SMTP_TLS_MODES, { error: "Choose None, STARTTLS or TLS." }),
    smtpUser: safeText({ error: "The user name must be text." })
      .trim()
      .max(256, "The user name is too long (at most 256 characters).")
      .refine((v) => PRINTABLE.test(v), "The user name cannot contain spaces or control characters."),
    smtpPassword: passwordChangeSchema,
    fromAddress: z.union([z.literal(""), emailField("The sender address")]),
    recipients: z
      .array(emailField("Each recipient"), { error: "Recipients must be a list of e-mail addresses." })
      .max(MAX_RECIPIENTS, `At most ${MAX_RECIPIENTS} recipients.`),
    digestWindowSeconds: z
      .number({ error: "The digest window must be a number." })
      .int("The digest window must be whole minutes.")
      .min(DIGEST_WINDOW_MINUTES.min * 60, `The digest window must be between ${DIGEST_WINDOW_MINUTES.min} and ${DIGEST_WINDOW_MINUTES.max} minutes.`)
      .max(DIGEST_WINDOW_MINUTES.max * 60, `The digest window must be between ${DIGEST_WINDOW_MINUTES.min} and ${DIGEST_WINDOW_MINUTES.max} minutes.`),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.recipients.forEach((r, i) => {
      const key = r.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["recipients", i], message: `${r} is listed twice.` });
      seen.add(key);
    });
    if (!value.enabled) return;
    // Turning notifications on needs everything a mail needs; off, a half-filled form may be saved as a draft.
    if (value.smtpHost === "") ctx.addIssue({ code: "custom", path: ["smtpHost"], message: "Enter the SMTP server to turn notifications on." });
    if (value.fromAddress === "") ctx.addIssue({ code: "custom", path: ["fromAddress"], message: "Enter the sender address to turn notifications on." });
    if (value.recipients.length === 0) ctx.addIssue({ code: "custom", path: ["recipients"], message: "Enter at least one recipient to turn notifications on." });
  });
export type NotificationSettingsInput = z.output<typeof notificationSettingsSchema>;

// ---------------------------------------------------------------------------------------------------------
// The Settings form (text fields)
// ---------------------------------------------------------------------------------------------------------

export interface NotificationFormValues {
  enabled: boolean;
  smtpHost: string;
  smtpPort: string;
  smtpTlsMode: string;
  smtpUser: string;
  /** Empty: keep the stored password. */
  smtpPassword: string;
  clearPassword: boolean;
  fromAddress: string;
  /** One address per line, or separated by commas. */
  recipients: string;
  digestWindowMinutes: string;
}

/** Recipients as typed: split on commas, semicolons and line breaks, blanks dropped. */
export function splitRecipients(text: string): string[] {
  return text
    .split(/[,;\r\n]+/)
    .map((r) => r.trim())
    .filter((r) => r !== "");
}

function wholeNumber(text: string): number | string {
  const trimmed = text.trim();
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** The form's text values in the stored shape (numbers that do not parse stay text, so zod names the field). */
export function notificationFromForm(form: NotificationFormValues): unknown {
  const minutes = wholeNumber(form.digestWindowMinutes);
  return {
    enabled: form.enabled,
    smtpHost: form.smtpHost,
    smtpPort: wholeNumber(form.smtpPort),
    smtpTlsMode: form.smtpTlsMode,
    smtpUser: form.smtpUser,
    smtpPassword: form.clearPassword ? { action: "clear" } : form.smtpPassword === "" ? { action: "keep" } : { action: "set", value: form.smtpPassword },
    fromAddress: form.fromAddress,
    recipients: splitRecipients(form.recipients),
    digestWindowSeconds: typeof minutes === "number" ? minutes * 60 : minutes,
  };
}

/** Field names of the stored shape mapped back to the form's (errors show under the right input). */
const FORM_FIELD: Record<string, keyof NotificationFormValues> = {
  smtpPassword: "smtpPassword",
  digestWindowSeconds: "digestWindowMinutes",
};

/** zod issues of the stored shape as `{ formField: [messages] }` (recipient issues fold into "recipients"). */
export function notificationFormErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const head = issue.path[0];
    const key = typeof head === "string" ? (FORM_FIELD[head] ?? head) : "_form";
    const list = (out[key] ??= []);
    if (!list.includes(issue.message)) list.push(issue.message);
  }
  return out;
}

export interface StoredNotificationView {
  enabled: boolean;
  smtpHost: string;
  smtpPort: number;
  smtpTlsMode: SmtpTlsModeValue;
  smtpUser: string;
  hasPassword: boolean;
  fromAddress: string;
  recipients: string[];
  digestWindowSeconds: number;
}

export function notificationToForm(value: StoredNotificationView): NotificationFormValues {
  return {
    enabled: value.enabled,
    smtpHost: value.smtpHost,
    smtpPort: String(value.smtpPort),
    smtpTlsMode: value.smtpTlsMode,
    smtpUser: value.smtpUser,
    smtpPassword: "",
    clearPassword: false,
    fromAddress: value.fromAddress,
    recipients: value.recipients.join("\n"),
    digestWindowMinutes: String(Math.round(value.digestWindowSeconds / 60)),
  };
}
