import { assertPermission, type Caller } from "@/lib/auth/caller";
import { sealNodeKey } from "@/lib/crypto/node-keys";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { DeploymentState } from "@/lib/generated/prisma/enums";
import { generateClientKey, parseClientPrivateKey } from "@/lib/ssh/keys";
import { storedNodeToolsSchema, type NodeCreate, type NodeUpdate, type StoredNodeTools } from "@/lib/validation/node";
import { writeAudit } from "./audit";
import { isUuid } from "@/lib/validation/ids";

// Nodes: the PBX servers Rampart reaches over SSH. Every function checks the caller's permission itself.
// The private key is sealed (AES-256-GCM, lib/crypto/node-keys) before it reaches the database; no function
// here returns it, and audit records name the node and say *that* a key changed, never what it is. Pinning a
// host key is always an explicit step with the fingerprint an administrator confirmed; host-key checks
// against the live node happen at the edges (they need the network), before these functions are called.

export interface NodeDeploymentSummary {
  id: string;
  batchId: string;
  state: DeploymentState;
  progress: number;
  message: string;
  rulesetHash: string;
  canary: boolean;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface NodeView {
  id: string;
  name: string;
  host: string;
  port: number;
  user: string;
  tags: string[];
  managementAddress: string | null;
  enabled: boolean;
  /** The authorized_keys line of the stored key (public, safe to show). */
  publicKey: string | null;
  hasPrivateKey: boolean;
  hostKeyFingerprint: string | null;
  /** A connection met another host key: every command to the node stops until an administrator re-pins. */
  hostKeyAlert: { fingerprint: string; at: Date } | null;
  tools: StoredNodeTools | null;
  lastTestedAt: Date | null;
  /** The version last confirmed on the node. */
  running: { hash: string; confirmedAt: Date } | null;
  lastDeployment: NodeDeploymentSummary | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NodeDetail extends NodeView {
  /** The most recent deployments, newest first. */
  deployments: NodeDeploymentSummary[];
}

export const NODE_HISTORY_LENGTH = 50;
const NOT_FOUND_MESSAGE = "The node does not exist.";
const ACTIVE_STATES: DeploymentState[] = ["PENDING", "UPLOADING", "VALIDATING", "APPLIED"];

const nodeSelect = {
  id: true,
  name: true,
  host: true,
  port: true,
  sshUser: true,
  tags: true,
  managementAddress: true,
  enabled: true,
  publicKey: true,
  hostKeyFingerprint: true,
  hostKeyMismatchFingerprint: true,
  hostKeyMismatchAt: true,
  tools: true,
  lastTestedAt: true,
  createdAt: true,
  updatedAt: true,
  // Whether a key is stored, without loading it: `encryptedPrivateKey` itself is never selected for a view.
  _count: { select: { deployments: { where: { state: { in: ACTIVE_STATES } } } } },
} as const satisfies Prisma.NodeSelect;

type NodeRow = Prisma.NodeGetPayload<{ select: typeof nodeSelect }>;

const deploymentSelect = {
  id: true,
  batchId: true,
  state: true,
  progress: true,
  message: true,
  canary: true,
  createdAt: true,
  finishedAt: true,
  ruleset: { select: { hash: true } },
} as const satisfies Prisma.DeploymentSelect;

function toDeploymentSummary(row: Prisma.DeploymentGetPayload<{ select: typeof deploymentSelect }>): NodeDeploymentSummary {
  const { ruleset, ...rest } = row;
  return { ...rest, rulesetHash: ruleset.hash };
}

/** Stored tools as the page shows them; a row in an older shape reads as "not tested". */
function readTools(value: Prisma.JsonValue | null): StoredNodeTools | null {
  if (value === null) return null;
  const parsed = storedNodeToolsSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

interface Summaries {
  running: NodeView["running"];
  lastDeployment: NodeDeploymentSummary | null;
}

function toView(row: NodeRow, hasPrivateKey: boolean, summaries: Summaries): NodeView {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    port: row.port,
    user: row.sshUser,
    tags: row.tags,
    managementAddress: row.managementAddress,
    enabled: row.enabled,
    publicKey: row.publicKey,
    hasPrivateKey,
    hostKeyFingerprint: row.hostKeyFingerprint,
    hostKeyAlert:
      row.hostKeyMismatchFingerprint !== null && row.hostKeyMismatchAt !== null
        ? { fingerprint: row.hostKeyMismatchFingerprint, at: row.hostKeyMismatchAt }
        : null,
    tools: readTools(row.tools),
    lastTestedAt: row.lastTestedAt,
    running: summaries.running,
    lastDeployment: summaries.lastDeployment,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

interface SummaryRow {
  node_id: string;
  running_hash: string | null;
  confirmed_at: Date | null;
  last_id: string | null;
  last_batch_id: string | null;
  last_state: DeploymentState | null;
  last_progress: number | null;
  last_message: string | null;
  last_hash: string | null;
  last_canary: boolean | null;
  last_created_at: Date | null;
  last_finished_at: Date | null;
  has_key: boolean;
}

/**
 * Per node: the latest confirmed version and the latest deployment, one indexed look-up each (LATERAL …
 * LIMIT 1 on deployments(node_id, …, created_at DESC)), however long the history.
 */
async function loadSummaries(nodeIds: string[]): Promise<Map<string, Summaries & { hasPrivateKey: boolean }>> {
  const out = new Map<string, Summaries & { hasPrivateKey: boolean }>();
  if (nodeIds.length === 0) return out;
  const rows = await getDb().$queryRaw<SummaryRow[]>`
    SELECT n.id::text AS node_id,
           c.hash AS running_hash, c.confirmed_at,
           l.id::text AS last_id, l.batch_id::text AS last_batch_id, l.state::text AS last_state, l.progress::int AS last_progress,
           l.message AS last_message, l.hash AS last_hash, l.canary AS last_canary, l.created_at AS last_created_at,
           l.finished_at AS last_finished_at,
           (n.encrypted_private_key IS NOT NULL) AS has_key
      FROM nodes n
      LEFT JOIN LATERAL (
        SELECT r.hash, COALESCE(d.finished_at, d.updated_at) AS confirmed_at
          FROM deployments d JOIN ruleset_versions r ON r.id = d.ruleset_id
         WHERE d.node_id = n.id AND d.state = 'CONFIRMED'
         ORDER BY d.created_at DESC LIMIT 1) c ON true
      LEFT JOIN LATERAL (
        SELECT d.id, d.batch_id, d.state, d.progress, d.message, d.canary, d.created_at, d.finished_at, r.hash
          FROM deployments d JOIN ruleset_versions r ON r.id = d.ruleset_id
         WHERE d.node_id = n.id
         ORDER BY d.created_at DESC LIMIT 1) l ON true
     WHERE n.id = ANY(${nodeIds}::uuid[])`;
  for (const row of rows) {
    out.set(row.node_id, {
      hasPrivateKey: row.has_key,
      running: row.running_hash !== null && row.confirmed_at !== null ? { hash: row.running_hash, confirmedAt: row.confirmed_at } : null,
      lastDeployment:
        row.last_id !== null
          ? {
              id: row.last_id,
              batchId: row.last_batch_id!,
              state: row.last_state!,
              progress: row.last_progress ?? 0,
              message: row.last_message ?? "",
              rulesetHash: row.last_hash!,
              canary: row.last_canary ?? false,
              createdAt: row.last_created_at!,
              finishedAt: row.last_finished_at,
            }
          : null,
    });
  }
  return out;
}

async function toViews(rows: NodeRow[]): Promise<NodeView[]> {
  const summaries = await loadSummaries(rows.map((r) => r.id));
  return rows.map((row) => {
    const summary = summaries.get(row.id);
    return toView(row, summary?.hasPrivateKey ?? false, { running: summary?.running ?? null, lastDeployment: summary?.lastDeployment ?? null });
  });
}

/** What the audit log keeps of a node: never key material (only the public key's presence). */
function auditView(node: { name: string; host: string; port: number; sshUser: string; tags: string[]; managementAddress: string | null; enabled: boolean; hostKeyFingerprint: string | null }) {
  return {
    name: node.name,
    host: node.host,
    port: node.port,
    user: node.sshUser,
    tags: node.tags,
    managementAddress: node.managementAddress,
    enabled: node.enabled,
    hostKeyFingerprint: node.hostKeyFingerprint,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function nameTaken(name: string): AppError {
  const message = `A node named "${name}" already exists. Choose another name.`;
  return new AppError("CONFLICT", message, { name: [message] });
}


/** `{ id }` for a UUID, `{ name }` otherwise (node names start with a letter, so the two never collide). */
function nodeWhere(idOrName: string): Prisma.NodeWhereUniqueInput {
  return isUuid(idOrName) ? { id: idOrName } : { name: idOrName };
}

/** Prisma's Bytes fields take a Uint8Array over a plain ArrayBuffer, which a pooled Buffer is not. */
const toBytes = (buffer: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(buffer);

/** The key to store: the given one checked again (never trust a caller), or a fresh ed25519 pair. */
function prepareKey(privateKey: string | null): { sealed: Uint8Array<ArrayBuffer>; publicKey: string } {
  const text = privateKey ?? generateClientKey().privateKey;
  const parsed = parseClientPrivateKey(text);
  if (!parsed.ok) throw new AppError("VALIDATION", parsed.error, { privateKey: [parsed.error] });
  return { sealed: toBytes(sealNodeKey(text)), publicKey: parsed.key.publicKey };
}

// ---------------------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------------------

/** Every node in name order, with what it runs, its last push, its host-key alert and its tools. */
export async function listNodes(caller: Caller): Promise<NodeView[]> {
  assertPermission(caller, "nodes:read");
  const rows = await getDb().node.findMany({ orderBy: { name: "asc" }, select: nodeSelect });
  return toViews(rows);
}

/** One node by id or name, with its last NODE_HISTORY_LENGTH deployments. */
export async function getNode(caller: Caller, idOrName: string): Promise<NodeDetail> {
  assertPermission(caller, "nodes:read");
  const row = await getDb().node.findUnique({ where: nodeWhere(idOrName), select: nodeSelect });
  if (!row) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE);
  const [view] = await toViews([row]);
  const deployments = await getDb().deployment.findMany({
    where: { nodeId: row.id },
    orderBy: { createdAt: "desc" },
    take: NODE_HISTORY_LENGTH,
    select: deploymentSelect,
  });
  return { ...view!, deployments: deployments.map(toDeploymentSummary) };
}

/** Names and tags for the push dialog's choices. */
export async function listNodeTags(caller: Caller): Promise<string[]> {
  assertPermission(caller, "nodes:read");
  const rows = await getDb().$queryRaw<{ tag: string }[]>`SELECT DISTINCT unnest(tags) AS tag FROM nodes ORDER BY tag`;
  return rows.map((r) => r.tag);
}

// ---------------------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------------------

/**
 * Stores a node with its sealed key and the host-key fingerprint the caller confirmed (pinned from the
 * start: there is never a node Rampart would connect to without a pinned key). `privateKey: null` generates
 * an ed25519 pair; its public half is in the returned view for authorized_keys.
 */
export async function createNode(caller: Caller, input: NodeCreate): Promise<NodeView> {
  assertPermission(caller, "nodes:write");
  const key = prepareKey(input.privateKey);
  try {
    const id = await getDb().$transaction(async (tx) => {
      const row = await tx.node.create({
        data: {
          name: input.name,
          host: input.host,
          port: input.port,
          sshUser: input.user,
          tags: input.tags,
          managementAddress: input.managementAddress,
          hostKeyFingerprint: input.hostKeyFingerprint,
          encryptedPrivateKey: key.sealed,
          publicKey: key.publicKey,
        },
        select: nodeSelect,
      });
      await writeAudit(tx, caller.actor, {
        action: "node.create",
        objectType: "node",
        objectId: row.id,
        after: { ...auditView(row), keySource: input.keySource },
      });
      return row.id;
    });
    return await getNode(caller, id);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

/**
 * Changes fields of a node and, with `key`, replaces its private key; all in one audited transaction.
 * A new host or port points at what may be another machine, so it needs a newly confirmed host key in the
 * same change. A new fingerprint also clears a host-key alert (it is a re-pin).
 */
export async function updateNode(caller: Caller, idOrName: string, changes: NodeUpdate): Promise<NodeView> {
  assertPermission(caller, "nodes:write");
  const key = changes.key ? prepareKey(changes.key.privateKey) : undefined;
  const isKeyOnly = key !== undefined && Object.entries(changes).every(([field, value]) => field === "key" || value === undefined);
  try {
    const id = await getDb().$transaction(async (tx) => {
      const before = await tx.node.findUnique({ where: nodeWhere(idOrName), select: nodeSelect });
      if (!before) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE);
      const isAddressChange = (changes.host !== undefined && changes.host !== before.host) || (changes.port !== undefined && changes.port !== before.port);
      if (isAddressChange && changes.hostKeyFingerprint === undefined) {
        const message = "The address changed: fetch the host key at the new address, confirm it, and send it with the change.";
        throw new AppError("VALIDATION", message, { hostKeyFingerprint: [message] });
      }
      const isRepin = changes.hostKeyFingerprint !== undefined;
      const after = await tx.node.update({
        where: { id: before.id },
        data: {
          name: changes.name,
          host: changes.host,
          port: changes.port,
          sshUser: changes.user,
          tags: changes.tags,
          managementAddress: changes.managementAddress,
          enabled: changes.enabled,
          ...(isRepin ? { hostKeyFingerprint: changes.hostKeyFingerprint, hostKeyMismatchFingerprint: null, hostKeyMismatchAt: null } : {}),
          ...(key ? { encryptedPrivateKey: key.sealed, publicKey: key.publicKey } : {}),
        },
        select: nodeSelect,
      });
      await writeAudit(tx, caller.actor, {
        action: isKeyOnly ? "node.replace-key" : "node.update",
        objectType: "node",
        objectId: before.id,
        before: auditView(before),
        after: { ...auditView(after), ...(key ? { keyReplaced: true, keySource: changes.key!.source } : {}) },
      });
      return before.id;
    });
    return await getNode(caller, id);
  } catch (error) {
    if (isUniqueViolation(error) && changes.name !== undefined) throw nameTaken(changes.name);
    throw error;
  }
}

/** Replaces the node's private key (`null`: generate a new pair); audited as node.replace-key. */
export async function replaceNodeKey(
  caller: Caller,
  idOrName: string,
  key: { source: "paste" | "upload" | "generate"; privateKey: string | null },
): Promise<NodeView> {
  return updateNode(caller, idOrName, { key, managementAddress: undefined });
}

/**
 * Pins the host key an administrator confirmed (after an alert: the key the node now presents). Clears the
 * alert, so commands to the node may run again.
 */
export async function pinHostKey(caller: Caller, idOrName: string, fingerprint: string): Promise<NodeView> {
  assertPermission(caller, "nodes:write");
  const id = await getDb().$transaction(async (tx) => {
    const before = await tx.node.findUnique({ where: nodeWhere(idOrName), select: nodeSelect });
    if (!before) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE);
    await tx.node.update({
      where: { id: before.id },
      data: { hostKeyFingerprint: fingerprint, hostKeyMismatchFingerprint: null, hostKeyMismatchAt: null },
    });
    await writeAudit(tx, caller.actor, {
      action: "node.pin-host-key",
      objectType: "node",
      objectId: before.id,
      before: { name: before.name, hostKeyFingerprint: before.hostKeyFingerprint, mismatchFingerprint: before.hostKeyMismatchFingerprint },
      after: { name: before.name, hostKeyFingerprint: fingerprint },
    });
    return before.id;
  });
  return getNode(caller, id);
}

/** Deletes a node with its history; refused while a push to it is in progress. */
export async function deleteNode(caller: Caller, idOrName: string): Promise<{ id: string; name: string }> {
  assertPermission(caller, "nodes:write");
  return getDb().$transaction(async (tx) => {
    const before = await tx.node.findUnique({ where: nodeWhere(idOrName), select: nodeSelect });
    if (!before) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE);
    if (before._count.deployments > 0) {
      throw new AppError("CONFLICT", `A push to ${before.name} is in progress. Wait until it ends, then delete the node.`);
    }
    await tx.node.delete({ where: { id: before.id } });
    await writeAudit(tx, caller.actor, { action: "node.delete", objectType: "node", objectId: before.id, before: auditView(before) });
    return { id: before.id, name: before.name };
  });
}

/** Records the address the node saw the panel connect from (validated canonical host text from parseProbe). */
export async function recordPanelAddress(nodeId: string, address: string, seenAt = new Date()): Promise<void> {
  await getDb().$executeRaw`UPDATE nodes SET panel_address = ${address}::inet, panel_address_seen_at = ${seenAt} WHERE id = ${nodeId}::uuid`;
}

/** Records what a connection test found (called by the connection test, not by users: no audit record). */
export async function recordNodeTools(nodeId: string, tools: StoredNodeTools, testedAt = new Date()): Promise<void> {
  await getDb().node.update({ where: { id: nodeId }, data: { tools: storedNodeToolsSchema.parse(tools), lastTestedAt: testedAt } });
}
