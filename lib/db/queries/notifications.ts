import { assertPermission, type Caller } from "@/lib/auth/caller";
import { openSmtpPassword, sealSmtpPassword } from "@/lib/crypto/smtp-password";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { DigestBan } from "@/lib/notify/ban-digest";
import {
  notificationSettingsSchema,
  type NotificationSettingsInput,
  type SmtpTlsModeValue,
  type StoredNotificationView,
} from "@/lib/validation/notifications";
import { writeAudit } from "./audit";

// Notification settings (notification_settings, singleton id = 1) and the ban-digest watermark.
//
// Reads and writes need settings:manage (administrators): the SMTP credentials reach an outside mail server.
// The password is sealed (lib/crypto/smtp-password) before it reaches the database and is never selected for a
// view: callers see only whether one is set. Writes lock the row and audit before/after in one transaction, the
// password as "set" / "not set" (and whether it changed), never its text.
//
// The digest (lib/notify/mailer sendBanDigest) claims a window in one short transaction: it moves the watermark
// (last_digest_event_id, last_digest_at) past the events it will send, then sends outside the transaction; a
// failed send gives its events back to the next digest (one attempt per window) if nobody moved the watermark
// since. So several workers never mail the same events, and at most one digest goes out per window.

type Tx = Prisma.TransactionClient;

export interface NotificationSettingsView extends StoredNotificationView {
  lastDigestAt: Date | null;
  updatedAt: Date;
}

const VIEW_SELECT = {
  enabled: true,
  smtpHost: true,
  smtpPort: true,
  smtpTlsMode: true,
  smtpUser: true,
  fromAddress: true,
  recipients: true,
  digestWindowSeconds: true,
  lastDigestAt: true,
  updatedAt: true,
} as const;

async function ensureRow(db: Tx | ReturnType<typeof getDb>): Promise<void> {
  // The migration inserts the row; a missing one (restored dump, manual delete) must not break the page.
  await db.$executeRaw`
    INSERT INTO notification_settings (id, last_digest_event_id) SELECT 1, COALESCE(max(id), 0) FROM ban_events
    ON CONFLICT (id) DO NOTHING`;
}

async function readView(db: Tx | ReturnType<typeof getDb>): Promise<NotificationSettingsView> {
  let row = await db.notificationSettings.findUnique({ where: { id: 1 }, select: VIEW_SELECT });
  if (!row) {
    await ensureRow(db);
    row = await db.notificationSettings.findUniqueOrThrow({ where: { id: 1 }, select: VIEW_SELECT });
  }
  const [hasPassword] = await db.$queryRaw<{ has: boolean }[]>`SELECT smtp_password IS NOT NULL AS has FROM notification_settings WHERE id = 1`;
  return { ...row, smtpTlsMode: row.smtpTlsMode as SmtpTlsModeValue, recipients: [...row.recipients], hasPassword: hasPassword?.has ?? false };
}

/** What the audit log keeps of the settings: everything but the password, which is "set" / "not set". */
function auditValue(view: StoredNotificationView): Prisma.InputJsonValue {
  return {
    enabled: view.enabled,
    smtpHost: view.smtpHost,
    smtpPort: view.smtpPort,
    smtpTlsMode: view.smtpTlsMode,
    smtpUser: view.smtpUser,
    smtpPassword: view.hasPassword ? "set" : "not set",
    fromAddress: view.fromAddress,
    recipients: view.recipients,
    digestWindowSeconds: view.digestWindowSeconds,
  };
}

/** The notification settings without the password (hasPassword says whether one is stored). */
export async function getNotificationSettings(caller: Caller): Promise<NotificationSettingsView> {
  assertPermission(caller, "settings:manage");
  return readView(getDb());
}

/**
 * Replaces the notification settings (validated with the shared schema), audited. Turning notifications on moves
 * the digest watermark to the newest ban event, so the first digest does not mail the bans of the time it was off.
 */
export async function updateNotificationSettings(caller: Caller, input: NotificationSettingsInput | unknown): Promise<NotificationSettingsView> {
  assertPermission(caller, "settings:manage");
  const value = notificationSettingsSchema.parse(input);
  const sealed = value.smtpPassword.action === "set" ? new Uint8Array(sealSmtpPassword(value.smtpPassword.value)) : null;
  return getDb().$transaction(async (tx) => {
    await ensureRow(tx);
    await tx.$queryRaw`SELECT id FROM notification_settings WHERE id = 1 FOR UPDATE`;
    const before = await readView(tx);
    const willHavePassword = value.smtpPassword.action === "set" || (value.smtpPassword.action === "keep" && before.hasPassword);
    if (value.smtpUser !== "" && !willHavePassword) {
      const message = "Enter the password for this user, or clear the user name to send without signing in.";
      throw new AppError("VALIDATION", message, { smtpPassword: [message] });
    }
    const isTurningOn = value.enabled && !before.enabled;
    await tx.notificationSettings.update({
      where: { id: 1 },
      data: {
        enabled: value.enabled,
        smtpHost: value.smtpHost,
        smtpPort: value.smtpPort,
        smtpTlsMode: value.smtpTlsMode,
        smtpUser: value.smtpUser,
        fromAddress: value.fromAddress,
        recipients: value.recipients,
        digestWindowSeconds: value.digestWindowSeconds,
        ...(value.smtpPassword.action === "set" ? { smtpPassword: sealed } : value.smtpPassword.action === "clear" ? { smtpPassword: null } : {}),
      },
    });
    if (isTurningOn) {
      await tx.$executeRaw`UPDATE notification_settings SET last_digest_event_id = (SELECT COALESCE(max(id), 0) FROM ban_events) WHERE id = 1`;
    }
    const after = await readView(tx);
    const isPasswordChanged = value.smtpPassword.action !== "keep" && !(value.smtpPassword.action === "clear" && !before.hasPassword);
    const isChanged = isPasswordChanged || JSON.stringify(auditValue(before)) !== JSON.stringify(auditValue(after));
    if (isChanged) {
      await writeAudit(tx, caller.actor, {
        action: "settings.notifications.update",
        objectType: "notification-settings",
        objectId: "1",
        before: auditValue(before),
        after: { ...(auditValue(after) as Record<string, Prisma.InputJsonValue>), ...(isPasswordChanged ? { smtpPasswordChanged: true } : {}) },
      });
    }
    return after;
  });
}

/** Records a test mail in the audit log (who sent it, to whom, and whether the server accepted it). */
export async function auditTestEmail(caller: Caller, result: { recipients: string[]; isSent: boolean; error: string | null }): Promise<void> {
  assertPermission(caller, "settings:manage");
  await writeAudit(getDb(), caller.actor, {
    action: "settings.notifications.test",
    objectType: "notification-settings",
    objectId: "1",
    after: { recipients: result.recipients, sent: result.isSent, ...(result.error ? { error: result.error.slice(0, 500) } : {}) },
  });
}

// ---------------------------------------------------------------------------------------------------------
// For the mailer (system: no caller, never exposed to a transport)
// ---------------------------------------------------------------------------------------------------------

export interface SmtpConfig {
  host: string;
  port: number;
  tlsMode: SmtpTlsModeValue;
  user: string;
  /** Decrypted; only for the SMTP connection. */
  password: string | null;
  from: string;
  recipients: string[];
}

export interface MailSettings {
  enabled: boolean;
  digestWindowSeconds: number;
  /** null when the server, the sender or the recipients are missing. */
  smtp: SmtpConfig | null;
}

/** The stored settings with the password decrypted, for sending. */
export async function loadMailSettings(): Promise<MailSettings> {
  const db = getDb();
  let row = await db.notificationSettings.findUnique({ where: { id: 1 } });
  if (!row) {
    await ensureRow(db);
    row = await db.notificationSettings.findUniqueOrThrow({ where: { id: 1 } });
  }
  const isComplete = row.smtpHost !== "" && row.fromAddress !== "" && row.recipients.length > 0;
  return {
    enabled: row.enabled,
    digestWindowSeconds: row.digestWindowSeconds,
    smtp: isComplete
      ? {
          host: row.smtpHost,
          port: row.smtpPort,
          tlsMode: row.smtpTlsMode as SmtpTlsModeValue,
          user: row.smtpUser,
          password: row.smtpPassword ? openSmtpPassword(row.smtpPassword) : null,
          from: row.fromAddress,
          recipients: [...row.recipients],
        }
      : null,
  };
}

export interface DigestClaim {
  /** The watermark before the claim (restored when the send fails). */
  previous: { at: Date | null; eventId: bigint };
  /** The claimed range: events with previous.eventId < id <= upToEventId. */
  upToEventId: bigint;
  at: Date;
  bans: DigestBan[];
  totalCount: number;
}

export type DigestClaimResult =
  | { kind: "disabled" }
  | { kind: "waiting"; nextAt: Date }
  | { kind: "nothing-new" }
  | { kind: "claimed"; claim: DigestClaim };

/**
 * Claims the ban events recorded since the last digest, unless notifications are off or the last digest is less
 * than one window old. The first `limit` events (oldest first) come with node names; totalCount counts them all.
 */
export async function claimBanDigest(now: Date, limit: number): Promise<DigestClaimResult> {
  const db = getDb();
  await ensureRow(db);
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ enabled: boolean; window: number; at: Date | null; event_id: bigint }[]>`
      SELECT enabled, digest_window_seconds AS window, last_digest_at AS at, last_digest_event_id AS event_id
      FROM notification_settings WHERE id = 1 FOR UPDATE`;
    if (!row || !row.enabled) return { kind: "disabled" as const };
    if (row.at !== null) {
      const nextAt = new Date(row.at.getTime() + row.window * 1000);
      if (now < nextAt) return { kind: "waiting" as const, nextAt };
    }
    const [range] = await tx.$queryRaw<{ count: number; max_id: bigint | null }[]>`
      SELECT count(*)::int AS count, max(id) AS max_id FROM ban_events WHERE id > ${row.event_id}`;
    if (!range || range.count === 0 || range.max_id === null) return { kind: "nothing-new" as const };
    const rows = await tx.$queryRaw<{ address: string; country: string | null; jail: string; node: string; banned_at: Date }[]>`
      SELECT abbrev(e.address) AS address, e.country, e.jail, n.name AS node, e.banned_at
      FROM ban_events e JOIN nodes n ON n.id = e.node_id
      WHERE e.id > ${row.event_id} AND e.id <= ${range.max_id}
      ORDER BY e.banned_at, e.id LIMIT ${limit}`;
    await tx.$executeRaw`UPDATE notification_settings SET last_digest_at = ${now}, last_digest_event_id = ${range.max_id} WHERE id = 1`;
    return {
      kind: "claimed" as const,
      claim: {
        previous: { at: row.at, eventId: row.event_id },
        upToEventId: range.max_id,
        at: now,
        totalCount: range.count,
        bans: rows.map((r) => ({ address: r.address, country: r.country?.trim() || null, jail: r.jail, node: r.node, bannedAt: r.banned_at })),
      },
    };
  });
}

/**
 * Gives the events of a claim whose mail could not be sent back to the next digest (only if no later digest moved
 * the watermark meanwhile). last_digest_at stays: a failing mail server is retried once per window, not every cycle.
 */
export async function releaseBanDigest(claim: DigestClaim): Promise<void> {
  await getDb().$executeRaw`
    UPDATE notification_settings SET last_digest_event_id = ${claim.previous.eventId}
    WHERE id = 1 AND last_digest_event_id = ${claim.upToEventId}`;
}
