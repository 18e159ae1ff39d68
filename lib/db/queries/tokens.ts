import { createHash, randomBytes } from "node:crypto";
import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { writeAudit, type Actor } from "./audit";
import { cursorInstant, decodeKeysetCursor, encodeKeysetCursor, invalidCursorError } from "./keyset-cursor";
import { TOKEN_LIFETIME_DAYS } from "@/lib/validation/auth";
import { isCanonicalUuid } from "@/lib/validation/ids";

// API tokens are 256-bit random strings shown once; only their SHA-256 is stored (a slow hash adds
// nothing for secrets of this entropy and would cost every API request). Like users.ts, functions take a
// Caller (checked for "users:manage" here) or a bare Actor (the CLI).
//
// A token belongs to the user who created it (created_by_id; a token made with a token belongs to that
// token's owner). It dies with its owner: disabling, deleting, a role or tenant change, and "sign out
// everywhere" revoke every token of the user (revokeTokensOfUser, one audit row each), and a token is
// refused while its owner is disabled, checked on every request. CLI tokens belong to no user. Every token
// expires: at most the administrator's token lifetime after its creation, which is also the default.
const TOKEN_PREFIX = "rmp_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function actorOf(who: Caller | Actor): Actor {
  if ("actor" in who) {
    assertPermission(who, "users:manage");
    return who.actor;
  }
  return who;
}

export interface CreatedToken {
  id: string;
  token: string;
  prefix: string;
}

export type TokenStatus = "active" | "expired" | "revoked";

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  tenantId: string | null;
  tenantName: string | null;
  createdAt: Date;
  /** E-mail of the owner (the user who created it); null for a CLI token. */
  createdBy: string | null;
  lastUsedAt: Date | null;
  /** Client address of the last use. */
  lastUsedIp: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  status: TokenStatus;
}

const tokenViewSelect = {
  id: true, name: true, prefix: true, role: true, tenantId: true, createdAt: true, lastUsedAt: true, lastUsedIp: true, expiresAt: true,
  revokedAt: true,
  tenant: { select: { name: true } },
  createdBy: { select: { email: true } },
} as const satisfies Prisma.ApiTokenSelect;

export function getTokenStatus(token: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): TokenStatus {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && token.expiresAt <= now) return "expired";
  return "active";
}

function toView(row: Prisma.ApiTokenGetPayload<{ select: typeof tokenViewSelect }>, now = new Date()): ApiTokenView {
  const { tenant, createdBy, ...rest } = row;
  return { ...rest, tenantName: tenant?.name ?? null, createdBy: createdBy?.email ?? null, status: getTokenStatus(rest, now) };
}

/** What the audit log keeps of a token: never the secret or its hash. */
function auditView(token: { name: string; prefix: string; role: Role; tenantId: string | null; expiresAt: Date | null; revokedAt?: Date | null }) {
  return {
    name: token.name,
    prefix: token.prefix,
    role: token.role,
    tenantId: token.tenantId,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    ...(token.revokedAt !== undefined ? { revokedAt: token.revokedAt?.toISOString() ?? null } : {}),
  };
}

const TOKEN_NOT_FOUND = "The API token does not exist.";

type Tx = Prisma.TransactionClient;
const DAY_MS = 86_400_000;

async function readTokenLifetimeDays(db: Tx | ReturnType<typeof getDb>): Promise<number> {
  const row = await db.platformSettings.findUnique({ where: { id: 1 }, select: { tokenLifetimeDays: true } });
  return row?.tokenLifetimeDays ?? TOKEN_LIFETIME_DAYS.default;
}

/** The owner of a token the actor creates: the signed-in user, the owner of the token in use, or nobody (CLI). */
async function ownerOf(tx: Tx, actor: Actor): Promise<string | null> {
  if (actor.type === "USER") return actor.id;
  if (actor.type === "TOKEN" && actor.id) {
    const parent = await tx.apiToken.findUnique({ where: { id: actor.id }, select: { createdById: true } });
    return parent?.createdById ?? null;
  }
  return null;
}

/**
 * Creates a token owned by the creating user. Without `expiresAt` it expires after the token lifetime; a
 * later expiry than that is refused. `ownerId` names the owner for the CLI (a bare Actor) only: a signed-in
 * caller always owns what it creates.
 */
export async function createApiToken(
  who: Caller | Actor,
  input: { name: string; role: Role; tenantId?: string | null; expiresAt?: Date | null; ownerId?: string | null },
): Promise<CreatedToken> {
  const actor = actorOf(who);
  if (input.ownerId && "actor" in who) throw new AppError("FORBIDDEN", "A token belongs to the user who creates it.");
  const now = new Date();
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
    throw new AppError("VALIDATION", "The expiry must be in the future.", { expiresAt: ["The expiry must be in the future."] });
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const prefix = token.slice(0, 12);
  return getDb().$transaction(async (tx) => {
    if (input.tenantId) {
      const tenant = await tx.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } });
      if (!tenant) throw new AppError("VALIDATION", "The tenant does not exist.", { tenantId: ["The tenant does not exist."] });
    }
    if (input.ownerId) {
      const owner = await tx.user.findUnique({ where: { id: input.ownerId }, select: { disabled: true } });
      if (!owner || owner.disabled) throw new AppError("VALIDATION", "The owner must be an existing, enabled user.", { ownerId: ["The owner must be an existing, enabled user."] });
    }
    const lifetimeDays = await readTokenLifetimeDays(tx);
    const latest = new Date(now.getTime() + lifetimeDays * DAY_MS);
    if (input.expiresAt && input.expiresAt > latest) {
      const message = `Tokens expire after at most ${lifetimeDays} days (an administrator sets this on the Users page): choose an expiry before ${latest.toISOString()}.`;
      throw new AppError("VALIDATION", message, { expiresAt: [message] });
    }
    const expiresAt = input.expiresAt ?? latest;
    const row = await tx.apiToken.create({
      data: {
        name: input.name,
        prefix,
        tokenHash: hashToken(token),
        role: input.role,
        tenantId: input.tenantId ?? null,
        expiresAt,
        createdById: input.ownerId ?? (await ownerOf(tx, actor)),
      },
      select: { id: true },
    });
    await writeAudit(tx, actor, {
      action: "token.create",
      objectType: "api-token",
      objectId: row.id,
      after: auditView({ name: input.name, prefix, role: input.role, tenantId: input.tenantId ?? null, expiresAt }),
    });
    return { id: row.id, token, prefix };
  });
}

/** Tokens, newest first, one keyset page on (createdAt DESC, id DESC). */
export async function listApiTokens(caller: Caller, page: { limit: number; cursor?: string }): Promise<{ items: ApiTokenView[]; nextCursor: string | null }> {
  assertPermission(caller, "users:manage");
  let where: Prisma.ApiTokenWhereInput = {};
  if (page.cursor) {
    const [at, id] = decodeKeysetCursor(page.cursor, 2) as [string, string];
    const createdAt = cursorInstant(at);
    if (!isCanonicalUuid(id)) throw invalidCursorError();
    where = { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
  }
  const rows = await getDb().apiToken.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: page.limit + 1,
    select: tokenViewSelect,
  });
  const now = new Date();
  const items = rows.slice(0, page.limit).map((row) => toView(row, now));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > page.limit && last ? encodeKeysetCursor([last.createdAt.toISOString(), last.id]) : null };
}

export async function getApiToken(caller: Caller, id: string): Promise<ApiTokenView> {
  assertPermission(caller, "users:manage");
  const row = await getDb().apiToken.findUnique({ where: { id }, select: tokenViewSelect });
  if (!row) throw new AppError("NOT_FOUND", TOKEN_NOT_FOUND);
  return toView(row);
}

/** Revokes a token for good: the next request with it is refused. The row stays for the record. */
export async function revokeApiToken(who: Caller | Actor, id: string): Promise<ApiTokenView> {
  const actor = actorOf(who);
  return getDb().$transaction(async (tx) => {
    const before = await tx.apiToken.findUnique({ where: { id }, select: tokenViewSelect });
    if (!before) throw new AppError("NOT_FOUND", TOKEN_NOT_FOUND);
    if (before.revokedAt) throw new AppError("CONFLICT", `The token "${before.name}" is already revoked.`);
    // The condition makes a concurrent second revocation update nothing instead of moving the time.
    const { count } = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw new AppError("CONFLICT", `The token "${before.name}" is already revoked.`);
    const after = await tx.apiToken.findUniqueOrThrow({ where: { id }, select: tokenViewSelect });
    await writeAudit(tx, actor, { action: "token.revoke", objectType: "api-token", objectId: id, before: auditView(before), after: auditView(after) });
    return toView(after);
  });
}

/** Why a user's tokens were revoked with them, as the audit log records it. */
export type OwnerRevocationReason = "owner-disabled" | "owner-deleted" | "owner-role-changed" | "owner-signed-out-everywhere";

/**
 * Revokes every live token of the user inside the caller's transaction (the user change it comes with),
 * one token.revoke audit row per token. Expired tokens are revoked too, so none can come back.
 */
export async function revokeTokensOfUser(tx: Tx, actor: Actor, userId: string, reason: OwnerRevocationReason): Promise<number> {
  const live = await tx.apiToken.findMany({ where: { createdById: userId, revokedAt: null }, select: tokenViewSelect, orderBy: { createdAt: "asc" } });
  if (live.length === 0) return 0;
  const revokedAt = new Date();
  await tx.apiToken.updateMany({ where: { id: { in: live.map((t) => t.id) }, revokedAt: null }, data: { revokedAt } });
  for (const token of live) {
    await writeAudit(tx, actor, {
      action: "token.revoke",
      objectType: "api-token",
      objectId: token.id,
      before: auditView(token),
      after: { ...auditView({ ...token, revokedAt }), reason },
    });
  }
  return live.length;
}

/**
 * The live token matching the presented secret, or null: revoked, expired, unknown and a disabled owner
 * look the same. Read on every request (no cache), so disabling the owner refuses the token at once.
 */
export async function findActiveToken(token: string, now = new Date()) {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const row = await getDb().apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { createdBy: { select: { disabled: true } } } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.createdBy?.disabled) return null;
  return row;
}

// ---------------------------------------------------------------------------------------------------------
// Token lifetime (platform setting)
// ---------------------------------------------------------------------------------------------------------

export interface TokenSettings {
  /** Longest life of a new token, in days; also the expiry of a token created without one. */
  lifetimeDays: number;
}

export async function getTokenSettings(caller: Caller): Promise<TokenSettings> {
  assertPermission(caller, "users:manage");
  return { lifetimeDays: await readTokenLifetimeDays(getDb()) };
}

/** Sets the token lifetime for tokens created from now on (existing tokens keep their expiry); audited. */
export async function updateTokenSettings(caller: Caller, input: TokenSettings): Promise<TokenSettings> {
  assertPermission(caller, "users:manage");
  return getDb().$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO platform_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
    await tx.$queryRaw`SELECT id FROM platform_settings WHERE id = 1 FOR UPDATE`;
    const before = await readTokenLifetimeDays(tx);
    if (before === input.lifetimeDays) return input;
    await tx.platformSettings.update({ where: { id: 1 }, data: { tokenLifetimeDays: input.lifetimeDays } });
    await writeAudit(tx, caller.actor, {
      action: "settings.tokens.update",
      objectType: "token-settings",
      objectId: "1",
      before: { lifetimeDays: before },
      after: { lifetimeDays: input.lifetimeDays },
    });
    return input;
  });
}

const TOUCH_RESOLUTION_MS = 60_000;

/**
 * Records when and from where a token was used: at most once a minute, so API traffic does not write on
 * every call, and at once when the address changes.
 */
export async function touchToken(id: string, ip: string | null, now = new Date()): Promise<void> {
  await getDb().apiToken.updateMany({
    where: {
      id,
      OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - TOUCH_RESOLUTION_MS) } }, ...(ip ? [{ NOT: { lastUsedIp: ip } }, { lastUsedIp: null }] : [])],
    },
    data: { lastUsedAt: now, lastUsedIp: ip },
  });
}
