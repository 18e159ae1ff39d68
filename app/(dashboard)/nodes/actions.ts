"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import type { Permission } from "@/lib/auth/permissions";
import { EnvelopeKeyError, open, seal } from "@/lib/crypto/envelope";
import { nodeKeyEncryptionKey } from "@/lib/crypto/node-keys";
import { startPush } from "@/lib/deploy/batch";
import { checkNodeDrift, testNodeConnection } from "@/lib/deploy/node-check";
import { repairNode } from "@/lib/deploy/repair";
import { createNode, deleteNode, getNode, pinHostKey, replaceNodeKey, updateNode } from "@/lib/db/queries/nodes";
import { AppError } from "@/lib/errors";
import { generateClientKey } from "@/lib/ssh/keys";
import { assertHostKeyConfirmed, fetchHostKeyForForm } from "@/lib/ssh/host-key-check";
import { hostKeyFingerprintSchema, hostKeyTargetSchema, keySourceSchema, nodeCreateSchema, nodeIdSchema, nodeUpdateSchema, privateKeySchema, splitTags } from "@/lib/validation/node";
import { pushRequestSchema, repairRequestSchema, type PushRequestInput } from "@/lib/validation/push";

// Server actions of the Nodes pages. Each checks its permission itself (a hidden button is no boundary);
// the data layer checks again and audits. Host keys are fetched again on save: the fingerprint the form
// sends must be the one the node presents now, or nothing is stored.

async function getCaller(permission: Permission): Promise<Caller> {
  const user = await requirePermission(permission);
  return callerFromUser(user, getClientIp(await headers()));
}

/** Ids come from the page; a tampered one is answered like an unknown one. */
function parseId(value: unknown): string {
  const parsed = nodeIdSchema.safeParse(value);
  if (!parsed.success) throw new AppError("NOT_FOUND", "The node does not exist.");
  return parsed.data;
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
};

function revalidateNode(name?: string) {
  revalidatePath("/nodes");
  if (name) revalidatePath(`/nodes/${name}`);
}

// A generated key waits in the browser between "Generate" and "Save" as a sealed draft: the private half
// never reaches the page, and a draft cannot be passed off as anything else (its own purpose string).
const KEY_DRAFT_PURPOSE = "rampart:node-key-draft";
const KEY_DRAFT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

function sealKeyDraft(privateKey: string): string {
  const payload = JSON.stringify({ privateKey, createdAt: Date.now() });
  return seal(Buffer.from(payload, "utf8"), nodeKeyEncryptionKey(), KEY_DRAFT_PURPOSE).toString("base64");
}

function openKeyDraft(draft: string | undefined): string {
  const expired = new AppError("VALIDATION", "The generated key has expired or is damaged. Generate a new one.", {
    privateKey: ["The generated key has expired or is damaged. Generate a new one."],
  });
  if (!draft) {
    const message = "Generate the key pair first, and put its public key on the node.";
    throw new AppError("VALIDATION", message, { privateKey: [message] });
  }
  if (!/^[A-Za-z0-9+/=]{1,8000}$/.test(draft)) throw expired;
  try {
    const payload = JSON.parse(open(Buffer.from(draft, "base64"), nodeKeyEncryptionKey(), KEY_DRAFT_PURPOSE).toString("utf8")) as { privateKey?: unknown; createdAt?: unknown };
    if (typeof payload.privateKey !== "string" || typeof payload.createdAt !== "number" || Date.now() - payload.createdAt > KEY_DRAFT_MAX_AGE_MS) throw expired;
    return payload.privateKey;
  } catch (error) {
    if (error instanceof EnvelopeKeyError || error instanceof SyntaxError) throw expired;
    throw error;
  }
}

/** The private key of a create or replace form: pasted or uploaded text, or the sealed generated draft. */
function formPrivateKey(form: FormData): { keySource: string | undefined; privateKey: string | undefined; generated: string | undefined } {
  const keySource = text(form, "keySource");
  if (keySource === "generate") return { keySource, privateKey: undefined, generated: openKeyDraft(text(form, "keyDraft")) };
  return { keySource, privateKey: text(form, "privateKey"), generated: undefined };
}

/** Step 1 of adding (or re-pinning): the host key the node presents, for the administrator to compare. */
export async function fetchHostKeyAction(host: string, port: string | number): Promise<ActionResult<{ host: string; port: number; fingerprint: string }>> {
  return runAction(async () => {
    await getCaller("nodes:write");
    const target = hostKeyTargetSchema.parse({ host, port: port === "" ? undefined : port });
    const fingerprint = await fetchHostKeyForForm(target.host, target.port);
    return { host: target.host, port: target.port, fingerprint };
  });
}

/** A new ed25519 pair: the public half to show, the private half sealed for the save step. */
export async function generateKeyAction(): Promise<ActionResult<{ publicKey: string; keyDraft: string }>> {
  return runAction(async () => {
    await getCaller("nodes:write");
    const pair = generateClientKey();
    return { publicKey: pair.publicKey, keyDraft: sealKeyDraft(pair.privateKey) };
  });
}

export async function createNodeAction(form: FormData): Promise<ActionResult<{ id: string; name: string }>> {
  return runAction(async () => {
    const caller = await getCaller("nodes:write");
    const key = formPrivateKey(form);
    const parsed = nodeCreateSchema.parse({
      name: text(form, "name") ?? "",
      host: text(form, "host") ?? "",
      port: text(form, "port") || undefined,
      user: text(form, "user") ?? "",
      tags: splitTags(text(form, "tags") ?? ""),
      managementAddress: text(form, "managementAddress") ?? null,
      hostKeyFingerprint: text(form, "hostKeyFingerprint") ?? "",
      keySource: key.keySource,
      privateKey: key.privateKey,
    });
    const input = key.generated === undefined ? parsed : { ...parsed, privateKey: key.generated };
    await assertHostKeyConfirmed(input.host, input.port, input.hostKeyFingerprint);
    const node = await createNode(caller, input);
    revalidateNode();
    return { id: node.id, name: node.name };
  });
}

/** The Settings form: every field is sent; a new address needs the host key fetched and confirmed anew. */
export async function updateNodeAction(id: string, form: FormData): Promise<ActionResult<{ name: string }>> {
  return runAction(async () => {
    const caller = await getCaller("nodes:write");
    const nodeId = parseId(id);
    const fingerprint = text(form, "hostKeyFingerprint");
    const changes = nodeUpdateSchema.parse({
      name: text(form, "name") ?? "",
      host: text(form, "host") ?? "",
      port: text(form, "port") ?? "",
      user: text(form, "user") ?? "",
      tags: splitTags(text(form, "tags") ?? ""),
      managementAddress: text(form, "managementAddress") ?? "",
      enabled: text(form, "enabled") === "on",
      hostKeyFingerprint: fingerprint || undefined,
    });
    if (changes.hostKeyFingerprint !== undefined) {
      await assertHostKeyConfirmed(changes.host!, changes.port!, changes.hostKeyFingerprint);
    }
    const before = await getNode(caller, nodeId);
    const node = await updateNode(caller, nodeId, changes);
    revalidateNode(before.name);
    revalidateNode(node.name);
    return { name: node.name };
  });
}

/** Replaces the node's private key with a pasted, uploaded or generated one. */
export async function replaceNodeKeyAction(id: string, form: FormData): Promise<ActionResult<{ publicKey: string | null }>> {
  return runAction(async () => {
    const caller = await getCaller("nodes:write");
    const nodeId = parseId(id);
    const key = formPrivateKey(form);
    const source = keySourceSchema.parse(key.keySource);
    const privateKey = key.generated ?? (source === "generate" ? null : privateKeySchema.parse(key.privateKey ?? ""));
    const node = await replaceNodeKey(caller, nodeId, { source, privateKey });
    revalidateNode(node.name);
    return { publicKey: node.publicKey };
  });
}

/** Re-pins after an alert: the fingerprint the administrator confirmed must be what the node presents now. */
export async function pinHostKeyAction(id: string, fingerprint: string): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await getCaller("nodes:write");
    const nodeId = parseId(id);
    const confirmed = hostKeyFingerprintSchema.parse(fingerprint);
    const node = await getNode(caller, nodeId);
    await assertHostKeyConfirmed(node.host, node.port, confirmed);
    await pinHostKey(caller, nodeId, confirmed);
    revalidateNode(node.name);
    return undefined;
  });
}

export async function deleteNodeAction(id: string): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await getCaller("nodes:write");
    const deleted = await deleteNode(caller, parseId(id));
    revalidateNode(deleted.name);
    return undefined;
  });
}

export interface ConnectionTestResult {
  ok: boolean;
  stage?: string;
  message: string;
  tools?: { iptables: { version: string; backend: "nft" | "legacy" } | null; ip6tables: { version: string; backend: "nft" | "legacy" } | null; ipset: string | null; fail2ban: string | null; missing: string[]; kernel: string };
}

/** Reachability, authentication and tools; a failed test is a result, not an error. */
export async function testConnectionAction(id: string): Promise<ActionResult<ConnectionTestResult>> {
  return runAction(async () => {
    const caller = await getCaller("deploy");
    const node = await getNode(caller, parseId(id));
    const result = await testNodeConnection(caller, node.id);
    revalidateNode(node.name);
    return result;
  });
}

export async function checkDriftAction(id: string): Promise<ActionResult<{ drifted: boolean | null; message: string }>> {
  return runAction(async () => {
    const caller = await getCaller("deploy");
    const node = await getNode(caller, parseId(id));
    const result = await checkNodeDrift(caller, node.id);
    return { drifted: result.drifted, message: result.message };
  });
}

export async function startPushAction(request: PushRequestInput): Promise<ActionResult<{ batchId: string }>> {
  return runAction(async () => {
    const caller = await getCaller("deploy");
    const push = pushRequestSchema.parse(request);
    const { batchId, done } = await startPush(caller, push);
    // The batch records each node's outcome itself; nothing awaits `done` here, so it must not go unhandled.
    done.catch((error: unknown) => console.error(`rampart: push ${batchId} failed`, error));
    revalidateNode();
    return { batchId };
  });
}

/** Re-applies the node's confirmed version (the Repair button of a drifted node); the page then follows the push. */
export async function repairNodeAction(id: string): Promise<ActionResult<{ batchId: string }>> {
  return runAction(async () => {
    const caller = await getCaller("deploy");
    const { batchId, done } = await repairNode(caller, parseId(id), repairRequestSchema.parse({}));
    done.catch((error: unknown) => console.error(`rampart: repair ${batchId} failed`, error));
    revalidateNode();
    return { batchId };
  });
}
