import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";

import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { Caller } from "@/lib/auth/caller";
import { disconnectDb, getDb } from "@/lib/db/client";
import { updateNotificationSettings } from "@/lib/db/queries/notifications";
import { Prisma } from "@/lib/generated/prisma/client";
import type { NotificationSettingsInput } from "@/lib/validation/notifications";

import { checkSpendAlerts } from "./spend-alerts";

// The call alerts against the real database and a real SMTP conversation (a local smtp-server sink): spend seeded
// into call_records crosses 80 % and then 100 % of a tenant's daily limit, an abuse block is stored, and each goes
// out once, digested per window, with the ledger in the audit log; two workers at once send one mail.

vi.stubEnv("RAMPART_SECRET_KEY", `alerts-integration-${randomBytes(24).toString("hex")}`);

const received: { to: string[]; raw: string }[] = [];
let server: SMTPServer;
let port = 0;

const admin: Caller = { role: "ADMIN", tenantId: null, actor: { type: "USER", id: randomUUID(), label: `alerts-it-${randomUUID()}@example.test`, ip: "192.0.2.9" } };

function settings(patch: Partial<NotificationSettingsInput> = {}): NotificationSettingsInput {
  return {
    enabled: true,
    smtpHost: "127.0.0.1",
    smtpPort: port,
    smtpTlsMode: "NONE",
    smtpUser: "",
    smtpPassword: { action: "clear" },
    fromAddress: "rampart@example.test",
    recipients: ["noc@example.test"],
    digestWindowSeconds: 300,
    ...patch,
  };
}

/** Header lines unfolded and the quoted-printable body decoded (UTF-8). */
function bodyOf(raw: string): string {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const body = raw.slice(split).replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return head + Buffer.from(body, "latin1").toString("utf8");
}

// A day far from the clock, so the window and the keys of this file meet no other test's.
const t0 = new Date("2031-05-10T12:00:00.000Z");
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

async function insertAllowed(nodeId: string, accountCode: string, cost: string): Promise<void> {
  const startedAt = new Date("2031-05-10T08:00:00.000Z");
  const uniqueId = `${startedAt.getTime() / 1000}.${randomUUID().slice(0, 8)}`;
  await getDb().callRecord.create({
    data: {
      nodeId,
      uniqueId,
      recordDigest: createHash("sha256").update(uniqueId).digest("hex"),
      accountCode,
      source: "1001",
      destination: "4930123456",
      context: "from-internal",
      callerId: "",
      channel: "PJSIP/1001-00000001",
      dstChannel: "",
      lastApp: "Dial",
      startedAt,
      endedAt: new Date(startedAt.getTime() + 60_000),
      durationSeconds: 60,
      billSeconds: 60,
      disposition: "ANSWERED",
      guardOutcome: "ALLOW",
      guardExtension: "1001",
      cost: new Prisma.Decimal(cost),
      currency: "EUR",
    },
  });
}

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await updateNotificationSettings(admin, { ...settings(), enabled: false, recipients: [], fromAddress: "", smtpHost: "" });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await disconnectDb();
});

describe("checkSpendAlerts against the database and a local SMTP sink", () => {
  it("mails 80 %, then 100 % and a block, each once, digested per window, by one of two workers", async () => {
    await updateNotificationSettings(admin, settings());
    const db = getDb();
    const node = await db.node.create({ data: { name: `it-alerts-${randomUUID().slice(0, 8)}`, host: "192.0.2.50", sshUser: "rampart" } });
    const accountCode = `acct${randomUUID().slice(0, 8)}`;
    const tenant = await db.tenant.create({ data: { name: `alerts-${randomUUID().slice(0, 8)}`, accountCode } });
    await db.tenantCallLimit.create({ data: { tenantId: tenant.id, dailyLimit: new Prisma.Decimal("1"), monthlyLimit: null, currency: "EUR" } });
    await insertAllowed(node.id, accountCode, "0.5");
    await insertAllowed(node.id, accountCode, "0.3");
    const before = received.length;

    // Two workers after the same cycle: one mail.
    const [a, b] = await Promise.all([checkSpendAlerts(t0), checkSpendAlerts(t0)]);
    expect([a.status, b.status].sort()).toEqual(["sent", "waiting"]);
    expect(received.length).toBe(before + 1);
    const first = bodyOf(received[before]!.raw);
    expect(first).toMatch(new RegExp(`^Subject: \\[Rampart\\] ${tenant.name} reached 80 % of its daily limit$`, "m"));
    expect(first).toContain(`   80 %  ${tenant.name} (${accountCode}): tenant daily limit for 2031-05-10, spent €0.80 of €1.00 (80.00 %)`);
    expect(received[before]!.to).toEqual(["noc@example.test"]);

    // 100 % and a block inside the window wait; after it, one digest holds both.
    await insertAllowed(node.id, accountCode, "0.2");
    await db.extensionBlock.create({ data: { accountCode, extension: "1001", nodeId: node.id, number: "88213456789", blockedAt: later(20), createdAt: later(30) } });
    expect((await checkSpendAlerts(later(60))).status).toBe("waiting");
    expect(await checkSpendAlerts(later(301))).toEqual({ status: "sent", budgets: 1, blocks: 1, recipients: 1 });
    const second = bodyOf(received[before + 1]!.raw);
    expect(second).toMatch(/^Subject: \[Rampart\] Call alerts: 1 budget alert, 1 extension block$/m);
    expect(second).toContain(`  100 %  ${tenant.name} (${accountCode}): tenant daily limit for 2031-05-10, spent €1.00 of €1.00 (100.00 %)`);
    expect(second).toContain(`  2031-05-10 12:00:20 UTC  extension 1001 of ${tenant.name} (${accountCode}), number 88213456789 on ${node.name}`);

    // Each once: more spend in the same day is no news.
    await insertAllowed(node.id, accountCode, "3");
    expect(await checkSpendAlerts(later(700))).toEqual({ status: "nothing-new" });
    expect(received.length).toBe(before + 2);

    // The ledger is the audit log: one "sent" row per alert key.
    const rows = await db.auditLog.findMany({ where: { objectType: "call-alert", action: "call-alert.sent", at: { gte: t0 } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.objectId)).toEqual([
      `budget:tenant-daily:2031-05-10:80:${accountCode}:`,
      `budget:tenant-daily:2031-05-10:100:${accountCode}:`,
      expect.stringMatching(/^block:[0-9a-f-]{36}$/),
    ]);
    expect(rows.every((r) => r.actorType === "SYSTEM")).toBe(true);
  });

  it("retries a refused mail in the next window", async () => {
    await updateNotificationSettings(admin, settings({ smtpPort: 1 }));
    const db = getDb();
    const node = await db.node.create({ data: { name: `it-alerts-${randomUUID().slice(0, 8)}`, host: "192.0.2.50", sshUser: "rampart" } });
    const accountCode = `acct${randomUUID().slice(0, 8)}`;
    await db.tenant.create({ data: { name: `alerts-${randomUUID().slice(0, 8)}`, accountCode, callLimit: { create: { dailyLimit: new Prisma.Decimal("0.1"), currency: "EUR" } } } });
    await insertAllowed(node.id, accountCode, "0.5");
    const start = later(2_000);
    expect((await checkSpendAlerts(start)).status).toBe("failed");
    await updateNotificationSettings(admin, settings());
    expect((await checkSpendAlerts(new Date(start.getTime() + 10_000))).status).toBe("waiting");
    const before = received.length;
    expect(await checkSpendAlerts(new Date(start.getTime() + 301_000))).toMatchObject({ status: "sent", budgets: 1 });
    expect(bodyOf(received[before]!.raw)).toContain(`(${accountCode}): tenant daily limit for 2031-05-10, spent €0.50 of €0.10 (500.00 %)`);
  });
});
