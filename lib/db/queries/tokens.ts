import { createHash, randomBytes } from "node:crypto";
import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { writeAudit, type Actor } from "./audit";
import { cursorInstant, decodeKeysetCursor, encodeKeysetCursor, invalidCursorError } from "./keyset-cursor";
import { isCanonicalUuid } from "@/lib/validation/ids";

// API tokens are 256-bit random strings shown once; only their SHA-256 is stored (a slow hash adds
// nothing for secrets of this entropy and would cost every API request). Like users.ts, functions take a
// Caller (checked for "users:manage" here) or a bare Actor (the CLI).
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
  /** E-mail of the user who created it; null for the CLI, another token, or a deleted user. */
  createdBy: string | null;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  status: TokenStatus;
}

const tokenViewSelect = {
  id: true, name: true, prefix: true, role: true, tenantId: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true,
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

export async function createApiToken(
  who: Caller | Actor,
  input: { name: string; role: Role; tenantId?: string | null; expiresAt?: Date | null },
): Promise<CreatedToken> {
  const actor = actorOf(who);
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
    throw new AppError("VALIDATION", "The expiry must be in the future.", { expiresAt: ["The expiry must be in the future."] });
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const prefix = token.slice(0, 12);
  return getDb().$transaction(async (tx) => {
    if (input.tenantId) {
      const tenant = await tx.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } });
      if (!tenant) throw new AppError("VALIDATION", "The tenant does not exist.", { tenantId: ["The tenant does not exist."] });
    }
    const row = await tx.apiToken.create({
      data: {
        name: input.name,
        prefix,
        tokenHash: hashToken(token),
        role: input.role,
        tenantId: input.tenantId ?? null,
        expiresAt: input.expiresAt ?? null,
        createdById: actor.type === "USER" ? actor.id : null,
      },
      select: { id: true },
    });
    await writeAudit(tx, actor, {
      action: "token.create",
      objectType: "api-token",
      objectId: row.id,
      after: auditView({ name: input.name, prefix, role: input.role, tenantId: input.tenantId ?? null, expiresAt: input.expiresAt ?? null }),
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

/** The live token matching the presented secret, or null (revoked, expired and unknown look the same). */
export async function findActiveToken(token: string, now = new Date()) {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const row = await getDb().apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  return row;
}

const TOUCH_RESOLUTION_MS = 60_000;

/** Records that a token was used (at most once a minute, so API traffic does not write on every call). */
export async function touchToken(id: string, now = new Date()): Promise<void> {
  await getDb().apiToken.updateMany({
    where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - TOUCH_RESOLUTION_MS) } }] },
    data: { lastUsedAt: now },
  });
}
