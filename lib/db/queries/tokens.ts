import { createHash, randomBytes } from "node:crypto";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import { writeAudit, type Actor } from "./audit";

// API tokens are 256-bit random strings shown once; only their SHA-256 is stored (a slow hash adds
// nothing for secrets of this entropy and would cost every API request).
const TOKEN_PREFIX = "rmp_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface CreatedToken {
  id: string;
  token: string;
  prefix: string;
}

export async function createApiToken(
  actor: Actor,
  input: { name: string; role: Role; tenantId?: string | null; expiresAt?: Date | null },
): Promise<CreatedToken> {
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
      after: { name: input.name, prefix, role: input.role, tenantId: input.tenantId ?? null, expiresAt: input.expiresAt?.toISOString() ?? null },
    });
    return { id: row.id, token, prefix };
  });
}

/** The live token matching the presented secret, or null (revoked, expired and unknown look the same). */
export async function findActiveToken(token: string, now = new Date()) {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const row = await getDb().apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  return row;
}
