import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";

import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { getNotificationSettings, updateNotificationSettings } from "@/lib/db/queries/notifications";
import { AppError } from "@/lib/errors";
import type { NotificationSettingsInput } from "@/lib/validation/notifications";

import { sendBanDigest, sendTestEmail } from "./mailer";

// The ban digest against a real SMTP conversation: a local smtp-server sink on 127.0.0.1 (random port) that
// requires the stored user and password, so the sealed password is proven to decrypt and reach AUTH.

// A key for this run only, so the test never writes a secret.key into the working tree.
vi.stubEnv("RAMPART_SECRET_KEY", `notify-integration-${randomBytes(24).toString("hex")}`);

interface Received {
  from: string;
  to: string[];
  raw: string;
  user: string | undefined;
}

const USER = "rampart-notify";
const PASSWORD = `pw-${randomUUID()}`;
const received: Received[] = [];
let server: SMTPServer;
let port = 0;

const admin: Caller = { role: "ADMIN", tenantId: null, actor: { type: "USER", id: randomUUID(), label: `notify-it-${randomUUID()}@example.test`, ip: "192.0.2.9" } };

function settings(patch: Partial<NotificationSettingsInput> = {}): NotificationSettingsInput {
  return {
    enabled: true,
    smtpHost: "127.0.0.1",
    smtpPort: port,
    smtpTlsMode: "NONE",
    smtpUser: USER,
    smtpPassword: { action: "set", value: PASSWORD },
    fromAddress: "rampart@example.test",
    recipients: ["noc@example.test", "oncall@example.test"],
    digestWindowSeconds: 300,
    ...patch,
  };
}

/** A received message as text: folded header lines joined, the quoted-printable body decoded (UTF-8). */
function bodyOf(raw: string): string {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const body = raw.slice(split).replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return head + Buffer.from(body, "latin1").toString("utf8");
}

async function createNode(name: string): Promise<string> {
  const node = await getDb().node.create({ data: { name, host: "192.0.2.50", sshUser: "rampart" } });
  return node.id;
}

async function insertBan(nodeId: string, address: string, bannedAt: Date, country: string | null, jail = "rampart-asterisk"): Promise<void> {
  await getDb().$executeRaw`
    INSERT INTO ban_events (node_id, jail, address, family, country, first_seen_at, last_seen_at, banned_at, expires_at)
    VALUES (${nodeId}::uuid, ${jail}, ${address}::inet, ${address.includes(":") ? 6 : 4}, ${country}, ${bannedAt}, ${bannedAt}, ${bannedAt}, ${new Date(bannedAt.getTime() + 3_600_000)})`;
}

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: auth.username });
      else callback(new Error("Invalid user name or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          user: typeof session.user === "string" ? session.user : undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await updateNotificationSettings(admin, { ...settings(), enabled: false, smtpPassword: { action: "clear" }, smtpUser: "", recipients: [], fromAddress: "", smtpHost: "" });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("notification settings", () => {
  it("stores the password sealed, never returns it, and audits it as set / not set", async () => {
    const view = await updateNotificationSettings(admin, settings());
    expect(view.hasPassword).toBe(true);
    expect(JSON.stringify(view)).not.toContain(PASSWORD);
    const [row] = await getDb().$queryRaw<{ pw: Buffer }[]>`SELECT smtp_password AS pw FROM notification_settings WHERE id = 1`;
    expect(Buffer.from(row!.pw).toString("latin1")).not.toContain(PASSWORD);
    const audit = await getDb().auditLog.findMany({ where: { actorLabel: admin.actor.label, action: "settings.notifications.update" } });
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain(PASSWORD);
    expect(JSON.stringify(audit.at(-1)!.after)).toContain('"smtpPassword":"set"');
  });

  it("refuses a user name without a password, and a non-admin", async () => {
    await expect(updateNotificationSettings(admin, settings({ smtpPassword: { action: "clear" } }))).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: { smtpPassword: [expect.any(String)] } });
    const operator: Caller = { ...admin, role: "OPERATOR" };
    await expect(getNotificationSettings(operator)).rejects.toBeInstanceOf(AppError);
    await expect(updateNotificationSettings(operator, settings())).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("sendBanDigest against a local SMTP sink", () => {
  it("sends one mail per window, with every new ban, and a second one after the window", async () => {
    // Enabling moves the watermark past existing events, so only the bans inserted below count.
    await updateNotificationSettings(admin, { ...settings(), enabled: false });
    await updateNotificationSettings(admin, settings());
    const nodeA = await createNode(`notify-a-${randomUUID().slice(0, 8)}`);
    const nodeB = await createNode(`notify-b-${randomUUID().slice(0, 8)}`);
    const t0 = new Date(Date.now() + 60_000);
    await insertBan(nodeA, "198.51.100.7", new Date(t0.getTime() - 30_000), "DE");
    await insertBan(nodeB, "198.51.100.7", new Date(t0.getTime() - 20_000), "DE", "rampart-recidive");
    await insertBan(nodeA, "2001:db8:77::1", new Date(t0.getTime() - 10_000), null);
    const before = received.length;

    const first = await sendBanDigest(t0);
    expect(first).toEqual({ status: "sent", count: 3, recipients: 2 });

    // The wave goes on within the window: nothing is sent, the new ban waits for the next digest.
    await insertBan(nodeB, "203.0.113.99", new Date(t0.getTime() + 5_000), "NL");
    const second = await sendBanDigest(new Date(t0.getTime() + 60_000));
    expect(second.status).toBe("waiting");
    expect(received.length).toBe(before + 1);

    const mail = received[before]!;
    expect(mail.user).toBe(USER);
    expect(mail.from).toBe("rampart@example.test");
    expect(mail.to).toEqual(["noc@example.test", "oncall@example.test"]);
    const body = bodyOf(mail.raw);
    expect(body).toMatch(/^Subject: \[Rampart\] 3 new bans of 2 addresses on 2 nodes$/m);
    expect(body).toMatch(/198\.51\.100\.7\s+DE\s+rampart-asterisk\s+notify-a-/);
    expect(body).toMatch(/198\.51\.100\.7\s+DE\s+rampart-recidive\s+notify-b-/);
    expect(body).toMatch(/2001:db8:77::1\s+--\s+rampart-asterisk\s+notify-a-/);
    expect(body).not.toContain("203.0.113.99");

    // After the window: the second mail holds only what came after the first.
    const third = await sendBanDigest(new Date(t0.getTime() + 301_000));
    expect(third).toEqual({ status: "sent", count: 1, recipients: 2 });
    expect(received.length).toBe(before + 2);
    const next = bodyOf(received[before + 1]!.raw);
    expect(next).toMatch(/^Subject: \[Rampart\] New ban: 203\.0\.113\.99 \(rampart-asterisk on notify-b-[0-9a-f]{8}\)$/m);
    expect(next).toMatch(/203\.0\.113\.99\s+NL\s+rampart-asterisk/);
    expect(next).not.toContain("198.51.100.7");

    // Nothing new after another window: no mail.
    expect((await sendBanDigest(new Date(t0.getTime() + 700_000))).status).toBe("nothing-new");
    expect(received.length).toBe(before + 2);
  });

  it("keeps the events for the next window when the server refuses the mail", async () => {
    await updateNotificationSettings(admin, { ...settings(), enabled: false });
    await updateNotificationSettings(admin, settings({ smtpPassword: { action: "set", value: "wrong password" } }));
    const node = await createNode(`notify-c-${randomUUID().slice(0, 8)}`);
    const t0 = new Date(Date.now() + 3_600_000);
    await insertBan(node, "192.0.2.201", t0, "FR");
    const failed = await sendBanDigest(t0);
    expect(failed.status).toBe("failed");
    // Once per window, even when failing.
    expect((await sendBanDigest(new Date(t0.getTime() + 10_000))).status).toBe("waiting");

    await updateNotificationSettings(admin, settings());
    const before = received.length;
    const retried = await sendBanDigest(new Date(t0.getTime() + 301_000));
    expect(retried).toMatchObject({ status: "sent", count: 1 });
    expect(bodyOf(received[before]!.raw)).toContain("192.0.2.201");
  });

  it("does nothing when notifications are off", async () => {
    await updateNotificationSettings(admin, { ...settings(), enabled: false });
    expect(await sendBanDigest(new Date(Date.now() + 7_200_000))).toEqual({ status: "disabled" });
  });

  it("sends a test e-mail with the saved settings and audits it", async () => {
    await updateNotificationSettings(admin, { ...settings(), enabled: false });
    const before = received.length;
    await expect(sendTestEmail(admin)).resolves.toEqual({ recipients: ["noc@example.test", "oncall@example.test"] });
    expect(received.length).toBe(before + 1);
    expect(bodyOf(received[before]!.raw)).toMatch(/^Subject: \[Rampart\] Test e-mail$/m);
    const audit = await getDb().auditLog.findFirst({ where: { actorLabel: admin.actor.label, action: "settings.notifications.test" }, orderBy: { id: "desc" } });
    expect(audit?.after).toMatchObject({ sent: true });
  });
});
