/**
 * E-mail on ban: a nodemailer transport built from the stored SMTP settings, the ban digest (one mail per
 * digest window, however many bans a wave brings), and the Settings page's test mail.
 *
 * sendBanDigest() is meant to run after every collector cycle, in the web process or in `npm run worker`
 * processes; it never throws (a mail problem must not fail a poll) and answers what it did. The claim in the
 * DAL makes it safe to call from several workers at once.
 */
// No "server-only" marker: the worker runs this outside Next.js, where the marker throws.
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";

import { assertPermission, type Caller } from "@/lib/auth/caller";
import { auditTestEmail, claimBanDigest, loadMailSettings, releaseBanDigest, type SmtpConfig } from "@/lib/db/queries/notifications";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

import { buildBanDigest, DEFAULT_DIGEST_LIMIT, formatDigestTime } from "./ban-digest";

export interface MailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** Sends one message; the default is nodemailer over SMTP. Injected in tests that need no server. */
export type SendMail = (config: SmtpConfig, message: MailMessage) => Promise<void>;

const TIMEOUT_MS = 15_000;

/** nodemailer's SMTP options for the stored settings (no pooling: digests are rare). */
export function transportOptions(config: SmtpConfig): SMTPTransport.Options {
  return {
    host: config.host,
    port: config.port,
    secure: config.tlsMode === "TLS",
    requireTLS: config.tlsMode === "STARTTLS",
    ignoreTLS: config.tlsMode === "NONE",
    auth: config.user !== "" ? { user: config.user, pass: config.password ?? "" } : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  };
}

export const sendWithNodemailer: SendMail = async (config, message) => {
  const transport = nodemailer.createTransport(transportOptions(config));
  try {
    await transport.sendMail({ from: message.from, to: message.to, subject: message.subject, text: message.text });
  } finally {
    transport.close();
  }
};

/** A mail error as one line for the page and the log (nodemailer's messages name the SMTP step that failed). */
export function describeMailError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, " ").trim().slice(0, 300) || "The mail server refused the message.";
}

function bansPageUrl(): string | null {
  const base = getEnv().RAMPART_PUBLIC_URL;
  return base ? new URL("/bans", base).toString() : null;
}

export type BanDigestOutcome =
  | { status: "disabled" }
  | { status: "not-configured" }
  | { status: "waiting"; nextAt: Date }
  | { status: "nothing-new" }
  | { status: "sent"; count: number; recipients: number }
  | { status: "failed"; count: number; error: string };

/**
 * Mails the ban events recorded since the last digest, at most once per digest window. Call it after every
 * collector cycle: within the window it does nothing, so a wave of bans becomes one mail. Never throws.
 */
export async function sendBanDigest(now: Date = new Date(), options: { send?: SendMail; limit?: number } = {}): Promise<BanDigestOutcome> {
  const send = options.send ?? sendWithNodemailer;
  try {
    const settings = await loadMailSettings();
    if (!settings.enabled) return { status: "disabled" };
    if (!settings.smtp) return { status: "not-configured" };
    const claimed = await claimBanDigest(now, options.limit ?? DEFAULT_DIGEST_LIMIT);
    if (claimed.kind === "disabled") return { status: "disabled" };
    if (claimed.kind === "waiting") return { status: "waiting", nextAt: claimed.nextAt };
    if (claimed.kind === "nothing-new") return { status: "nothing-new" };
    const { claim } = claimed;
    const digest = buildBanDigest({
      bans: claim.bans,
      totalCount: claim.totalCount,
      since: claim.previous.at,
      until: now,
      limit: options.limit ?? DEFAULT_DIGEST_LIMIT,
      bansPageUrl: bansPageUrl(),
    });
    if (!digest) return { status: "nothing-new" };
    try {
      await send(settings.smtp, { from: settings.smtp.from, to: settings.smtp.recipients, subject: digest.subject, text: digest.text });
    } catch (error) {
      await releaseBanDigest(claim).catch(() => undefined);
      const message = describeMailError(error);
      console.error(`rampart: ban digest not sent (${digest.count} bans, retried next window): ${message}`);
      return { status: "failed", count: digest.count, error: message };
    }
    return { status: "sent", count: digest.count, recipients: settings.smtp.recipients.length };
  } catch (error) {
    console.error("rampart: ban digest failed", error);
    return { status: "failed", count: 0, error: describeMailError(error) };
  }
}

/**
 * The Settings page's "Send test e-mail": one short message to the saved recipients with the saved SMTP
 * settings (whether notifications are on or not), audited. Throws AppError with the server's answer on failure.
 */
export async function sendTestEmail(caller: Caller, options: { send?: SendMail; now?: Date } = {}): Promise<{ recipients: string[] }> {
  assertPermission(caller, "settings:manage");
  const settings = await loadMailSettings();
  if (!settings.smtp) {
    throw new AppError("VALIDATION", "Save the SMTP server, the sender address and at least one recipient first; the test uses the saved settings.");
  }
  const now = options.now ?? new Date();
  const message: MailMessage = {
    from: settings.smtp.from,
    to: settings.smtp.recipients,
    subject: "[Rampart] Test e-mail",
    text:
      `This is a test e-mail from Rampart, sent by ${caller.actor.label} at ${formatDigestTime(now)}.\n\n` +
      `Ban notifications are ${settings.enabled ? "on" : "off"}; when on, you get at most one digest every ` +
      `${Math.round(settings.digestWindowSeconds / 60)} minutes listing the new bans.\n`,
  };
  try {
    await (options.send ?? sendWithNodemailer)(settings.smtp, message);
  } catch (error) {
    const text = describeMailError(error);
    await auditTestEmail(caller, { recipients: settings.smtp.recipients, isSent: false, error: text });
    throw new AppError("CONFLICT", `The test e-mail was not sent: ${text}`);
  }
  await auditTestEmail(caller, { recipients: settings.smtp.recipients, isSent: true, error: null });
  return { recipients: settings.smtp.recipients };
}
