import { randomBytes, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Caller } from "@/lib/auth/caller";
import { openNodeKey } from "@/lib/crypto/node-keys";
import { getDb } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { generateClientKey } from "@/lib/ssh/keys";
import { nodeCreateSchema, nodeUpdateSchema, type NodeCreateInput } from "@/lib/validation/node";
import { createNode, deleteNode, getNode, listNodes, pinHostKey, recordNodeTools, replaceNodeKey, updateNode } from "./nodes";
import { expectAppError } from "@/test/app-error";

// The node key is sealed with a key derived from the master secret: give this process its own, so the
// test never writes a secret.key into the working tree (getEnv reads the environment on first use).
vi.stubEnv("RAMPART_SECRET_KEY", `nodes-integration-${randomBytes(24).toString("hex")}`);

const caller = (role: Role): Caller => ({
  role,
  tenantId: null,
  actor: { type: "USER", id: randomUUID(), label: `${role.toLowerCase()}@test`, ip: "192.0.2.7" },
});
const admin = caller("ADMIN");
const FINGERPRINT = `SHA256:${"A".repeat(43)}`;
const OTHER_FINGERPRINT = `SHA256:${"B".repeat(43)}`;
const uniqueName = (label = "pbx") => `${label}-${randomUUID().slice(0, 8)}`;

let clientKey: { privateKey: string; publicKey: string };
beforeAll(() => {
  clientKey = generateClientKey("integration");
});

function input(overrides: Partial<NodeCreateInput> = {}): NodeCreateInput {
  return {
    name: uniqueName(),
    host: "198.18.0.10",
    user: "rampart",
    hostKeyFingerprint: FINGERPRINT,
    keySource: "paste",
    privateKey: clientKey.privateKey,
    ...overrides,
  };
}

async function newNode(overrides: Partial<NodeCreateInput> = {}) {
  return createNode(admin, nodeCreateSchema.parse(input(overrides)));
}

async function storedKey(id: string): Promise<Uint8Array> {
  const row = await getDb().node.findUniqueOrThrow({ where: { id }, select: { encryptedPrivateKey: true } });
  return row.encryptedPrivateKey!;
}

async function auditOf(objectId: string) {
  return getDb().auditLog.findMany({ where: { objectId }, orderBy: { id: "asc" } });
}

/** A ruleset version and a deployment of it to the node, in the given state. */
async function addDeployment(nodeId: string, state: "CONFIRMED" | "FAILED" | "UPLOADING", createdAt: Date) {
  const hash = randomBytes(32).toString("hex");
  const ruleset = await getDb().rulesetVersion.create({ data: { hash, author: "test", policy: {}, manifest: {}, artefacts: new Uint8Array(0) } });
  await getDb().deployment.create({
    data: {
      batchId: randomUUID(),
      nodeId,
      rulesetId: ruleset.id,
      state,
      progress: state === "UPLOADING" ? 30 : 100,
      message: `${state.toLowerCase()} message`,
      requestedBy: "test",
      createdAt,
      finishedAt: state === "UPLOADING" ? null : createdAt,
    },
  });
  return hash;
}

describe("nodes", () => {
  it("creates a node with its key sealed, the fingerprint pinned, and an audit record without key material", async () => {
    const node = await newNode({ tags: ["edge", "eu", "edge"], managementAddress: "2001:DB8::0:1", port: "2222" });
    expect(node).toMatchObject({
      host: "198.18.0.10",
      port: 2222,
      user: "rampart",
      tags: ["edge", "eu"],
      managementAddress: "2001:db8::1",
      hostKeyFingerprint: FINGERPRINT,
      hasPrivateKey: true,
      hostKeyAlert: null,
      running: null,
      lastDeployment: null,
    });
    expect(node.publicKey).toMatch(/^ssh-ed25519 /);
    expect(JSON.stringify(node)).not.toContain("PRIVATE KEY");
    expect(node).not.toHaveProperty("encryptedPrivateKey");

    const sealed = await storedKey(node.id);
    expect(Buffer.from(sealed).toString("latin1")).not.toContain("PRIVATE KEY");
    expect(openNodeKey(sealed)).toBe(clientKey.privateKey.replace(/\r\n?/g, "\n").trim() + "\n");

    const [audit] = await auditOf(node.id);
    expect(audit).toMatchObject({ action: "node.create", objectType: "node", after: { name: node.name, host: "198.18.0.10", keySource: "paste" } });
    const auditText = JSON.stringify([audit!.before, audit!.after]);
    expect(auditText).not.toContain("PRIVATE KEY");
    expect(auditText).not.toContain(clientKey.privateKey.split("\n")[1]!);
  });

  it("generates an ed25519 key pair when asked to, and returns only the public half", async () => {
    const node = await newNode({ keySource: "generate", privateKey: undefined });
    expect(node.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+ rampart$/);
    const text = openNodeKey(await storedKey(node.id));
    expect(text).toMatch(/BEGIN OPENSSH PRIVATE KEY/);
  });

  it("refuses a taken name with a conflict on the name field, and stores nothing", async () => {
    const name = uniqueName();
    await newNode({ name });
    const error = await expectAppError(newNode({ name, host: "pbx.example.net" }), "CONFLICT", /already exists/);
    expect(error.fieldErrors?.name?.[0]).toContain(name);
    expect(await getDb().node.count({ where: { name } })).toBe(1);
  });

  it("lets viewers read but only administrators write", async () => {
    const node = await newNode();
    const viewer = caller("VIEWER");
    expect((await listNodes(viewer)).some((n) => n.id === node.id)).toBe(true);
    await expectAppError(createNode(caller("OPERATOR"), nodeCreateSchema.parse(input())), "FORBIDDEN");
    await expectAppError(deleteNode(viewer, node.id), "FORBIDDEN");
    await expectAppError(listNodes(caller("TENANT_ADMIN")), "FORBIDDEN");
  });

  it("lists the running version (last confirmed), the last deployment and the stored tools", async () => {
    const node = await newNode();
    const confirmed = await addDeployment(node.id, "CONFIRMED", new Date("2030-01-01T00:00:00Z"));
    await addDeployment(node.id, "CONFIRMED", new Date("2029-01-01T00:00:00Z"));
    const failed = await addDeployment(node.id, "FAILED", new Date("2030-02-01T00:00:00Z"));
    const tools = {
      iptables: { version: "v1.8.9", backend: "nft" as const },
      ip6tables: { version: "v1.8.9", backend: "nft" as const },
      ipset: "v7.17",
      fail2ban: null,
      missing: ["fail2ban-client"],
      kernel: "Linux 6.1.0",
    };
    await recordNodeTools(node.id, tools, new Date("2030-02-02T00:00:00Z"));

    const listed = (await listNodes(admin)).find((n) => n.id === node.id)!;
    expect(listed.running).toEqual({ hash: confirmed, confirmedAt: new Date("2030-01-01T00:00:00Z") });
    expect(listed.lastDeployment).toMatchObject({ state: "FAILED", rulesetHash: failed, message: "failed message" });
    expect(listed.tools).toEqual(tools);
    expect(listed.lastTestedAt).toEqual(new Date("2030-02-02T00:00:00Z"));

    const detail = await getNode(admin, node.name);
    expect(detail.id).toBe(node.id);
    expect(detail.deployments.map((d) => d.state)).toEqual(["FAILED", "CONFIRMED", "CONFIRMED"]);
  });

  it("keeps at most 50 deployments in the detail, newest first", async () => {
    const node = await newNode();
    for (let i = 0; i < 52; i++) await addDeployment(node.id, "FAILED", new Date(Date.UTC(2031, 0, 1, 0, i)));
    const detail = await getNode(admin, node.id);
    expect(detail.deployments).toHaveLength(50);
    expect(detail.deployments[0]!.createdAt).toEqual(new Date(Date.UTC(2031, 0, 1, 0, 51)));
  });

  it("updates fields, and requires a newly confirmed host key when the address changes", async () => {
    const node = await newNode();
    const error = await expectAppError(updateNode(admin, node.id, nodeUpdateSchema.parse({ host: "198.18.0.11" })), "VALIDATION");
    expect(error.fieldErrors?.hostKeyFingerprint?.[0]).toMatch(/fetch the host key/);

    const updated = await updateNode(admin, node.id, nodeUpdateSchema.parse({ host: "198.18.0.11", hostKeyFingerprint: OTHER_FINGERPRINT, tags: ["b", "a"], managementAddress: "" }));
    expect(updated).toMatchObject({ host: "198.18.0.11", hostKeyFingerprint: OTHER_FINGERPRINT, tags: ["a", "b"], managementAddress: null });
    const audit = (await auditOf(node.id)).at(-1)!;
    expect(audit).toMatchObject({ action: "node.update", before: { host: "198.18.0.10" }, after: { host: "198.18.0.11", hostKeyFingerprint: OTHER_FINGERPRINT } });

    const other = await newNode();
    const conflict = await expectAppError(updateNode(admin, other.id, nodeUpdateSchema.parse({ name: node.name })), "CONFLICT");
    expect(conflict.fieldErrors?.name).toBeDefined();
  });

  it("replaces the key, sealed anew, audited without key material", async () => {
    const node = await newNode();
    const before = await storedKey(node.id);
    const replacement = generateClientKey("replacement");
    const updated = await replaceNodeKey(admin, node.id, { source: "upload", privateKey: replacement.privateKey });
    expect(updated.publicKey).not.toBe(node.publicKey);
    expect(Buffer.from(await storedKey(node.id)).equals(Buffer.from(before))).toBe(false);
    expect(openNodeKey(await storedKey(node.id))).toBe(replacement.privateKey.trim() + "\n");
    const audit = (await auditOf(node.id)).at(-1)!;
    expect(audit).toMatchObject({ action: "node.replace-key", after: { keyReplaced: true, keySource: "upload" } });
    expect(JSON.stringify([audit.before, audit.after])).not.toContain("PRIVATE KEY");
  });

  it("re-pins a host key after an alert, clearing the alert, audited", async () => {
    const node = await newNode();
    await getDb().node.update({ where: { id: node.id }, data: { hostKeyMismatchFingerprint: OTHER_FINGERPRINT, hostKeyMismatchAt: new Date() } });
    expect((await getNode(admin, node.id)).hostKeyAlert?.fingerprint).toBe(OTHER_FINGERPRINT);
    await expectAppError(pinHostKey(caller("OPERATOR"), node.id, OTHER_FINGERPRINT), "FORBIDDEN");

    const pinned = await pinHostKey(admin, node.id, OTHER_FINGERPRINT);
    expect(pinned).toMatchObject({ hostKeyFingerprint: OTHER_FINGERPRINT, hostKeyAlert: null });
    const audit = (await auditOf(node.id)).at(-1)!;
    expect(audit).toMatchObject({
      action: "node.pin-host-key",
      before: { hostKeyFingerprint: FINGERPRINT, mismatchFingerprint: OTHER_FINGERPRINT },
      after: { hostKeyFingerprint: OTHER_FINGERPRINT },
    });
  });

  it("deletes a node, but not while a push to it runs", async () => {
    const node = await newNode();
    await addDeployment(node.id, "UPLOADING", new Date());
    await expectAppError(deleteNode(admin, node.id), "CONFLICT", /in progress/);
    await getDb().deployment.updateMany({ where: { nodeId: node.id }, data: { state: "FAILED" } });
    expect(await deleteNode(admin, node.name)).toEqual({ id: node.id, name: node.name });
    expect(await getDb().node.count({ where: { id: node.id } })).toBe(0);
    expect((await auditOf(node.id)).at(-1)).toMatchObject({ action: "node.delete", before: { name: node.name } });
    await expectAppError(getNode(admin, node.id), "NOT_FOUND");
  });
});
