import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isSealedWith } from "@/lib/crypto/envelope";
import { nodeKeyEncryptionKey, openNodeKey, sealNodeKey } from "@/lib/crypto/node-keys";
import { openSmtpPassword, sealSmtpPassword, smtpEncryptionKey } from "@/lib/crypto/smtp-password";
import { disconnectDb, getDb } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { AppError } from "@/lib/errors";
import { createTestDatabase } from "@/test/database";
import { rotateSecrets } from "./secrets";

// The rotation looks at every secret in the database, so it gets a database of its own: rows other suites
// sealed with their own master secrets would (rightly) make it refuse.
const CURRENT = `rotation-current-${randomBytes(24).toString("hex")}`;
const OLD = `rotation-old-${randomBytes(24).toString("hex")}`;
const STRANGER = `rotation-stranger-${randomBytes(24).toString("hex")}`;
const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n";
const actor = { type: "CLI" as const, id: null, label: "cli:test" };

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase("rampart_secrets");
  await migrateDatabase(db.url, join(process.cwd(), "prisma", "migrations"));
  vi.stubEnv("DATABASE_URL", db.url);
  vi.stubEnv("RAMPART_SECRET_KEY", CURRENT);
});
afterAll(async () => {
  await disconnectDb();
  await db.drop();
});

async function nodeSealedWith(masterSecret: string): Promise<string> {
  const node = await getDb().node.create({
    data: { name: `pbx-${randomUUID().slice(0, 8)}`, host: "198.18.0.10", sshUser: "rampart", encryptedPrivateKey: new Uint8Array(sealNodeKey(PRIVATE_KEY, nodeKeyEncryptionKey(masterSecret))) },
  });
  return node.id;
}

async function storedKey(id: string): Promise<Uint8Array> {
  return (await getDb().node.findUniqueOrThrow({ where: { id }, select: { encryptedPrivateKey: true } })).encryptedPrivateKey!;
}

async function storeSmtpPassword(masterSecret: string | null): Promise<void> {
  const smtpPassword = masterSecret === null ? null : new Uint8Array(sealSmtpPassword("smtp-secret", smtpEncryptionKey(masterSecret)));
  await getDb().notificationSettings.upsert({ where: { id: 1 }, create: { id: 1, smtpPassword }, update: { smtpPassword } });
}

async function storedSmtpPassword(): Promise<Uint8Array> {
  return (await getDb().notificationSettings.findUniqueOrThrow({ where: { id: 1 } })).smtpPassword!;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("rotateSecrets", () => {
  it("re-seals node keys and the SMTP password of the old master secret under the current one, and audits it", async () => {
    const onOld = await nodeSealedWith(OLD);
    const onCurrent = await nodeSealedWith(CURRENT);
    await storeSmtpPassword(OLD);

    expect(await rotateSecrets(actor, OLD)).toEqual({ nodeKeysRotated: 1, nodeKeysCurrent: 1, smtpPassword: "rotated" });
    expect(openNodeKey(await storedKey(onOld), nodeKeyEncryptionKey(CURRENT))).toBe(PRIVATE_KEY);
    expect(isSealedWith(await storedKey(onCurrent), nodeKeyEncryptionKey(CURRENT))).toBe(true);
    expect(openSmtpPassword(await storedSmtpPassword(), smtpEncryptionKey(CURRENT))).toBe("smtp-secret");

    const [audit] = await getDb().auditLog.findMany({ where: { action: "secrets.rotate" }, orderBy: { id: "desc" }, take: 1 });
    expect(audit).toMatchObject({ actorLabel: "cli:test", after: { nodeKeysRotated: 1, smtpPassword: "rotated" } });
    expect(JSON.stringify(audit!.after)).not.toMatch(/smtp-secret|PRIVATE KEY/);

    // A second run finds everything current; the current secret as the "old" one is refused.
    expect(await rotateSecrets(actor, OLD)).toEqual({ nodeKeysRotated: 0, nodeKeysCurrent: 2, smtpPassword: "current" });
    expect((await refusal(rotateSecrets(actor, CURRENT))).code).toBe("VALIDATION");
  });

  it("changes nothing when a node key or the SMTP password opens with neither secret", async () => {
    const onOld = await nodeSealedWith(OLD);
    const lost = await nodeSealedWith(STRANGER);
    await storeSmtpPassword(OLD);
    const lostName = (await getDb().node.findUniqueOrThrow({ where: { id: lost } })).name;
    const error = await refusal(rotateSecrets(actor, OLD));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain(lostName);
    expect(isSealedWith(await storedKey(onOld), nodeKeyEncryptionKey(OLD))).toBe(true);
    expect(isSealedWith(await storedSmtpPassword(), smtpEncryptionKey(OLD))).toBe(true);

    await getDb().node.delete({ where: { id: lost } });
    await storeSmtpPassword(STRANGER);
    expect((await refusal(rotateSecrets(actor, OLD))).message).toMatch(/SMTP password/);
    expect(isSealedWith(await storedKey(onOld), nodeKeyEncryptionKey(OLD))).toBe(true);

    await storeSmtpPassword(null);
    expect(await rotateSecrets(actor, OLD)).toMatchObject({ nodeKeysRotated: 1, smtpPassword: "none" });
  });
});
