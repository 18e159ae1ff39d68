import { createHash, randomBytes, randomUUID } from "node:crypto";
import { sql } from "./db";

// Seeding for the tenant, call-limit and isolation specs: API tokens made the way lib/db/queries/tokens.ts makes
// them (only the SHA-256 of the token is stored), and tenants with restrictions and limits.

export async function createApiToken(role: "ADMIN" | "OPERATOR" | "VIEWER" | "TENANT_ADMIN", tenantId: string | null = null): Promise<string> {
  const token = `rmp_${randomBytes(32).toString("base64url")}`;
  await sql(`INSERT INTO api_tokens (name, prefix, token_hash, role, tenant_id) VALUES ($1, $2, $3, $4, $5)`, [
    `e2e-${randomUUID().slice(0, 8)}`,
    token.slice(0, 12),
    createHash("sha256").update(token).digest("hex"),
    role,
    tenantId,
  ]);
  return token;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

let networkCounter = Math.floor(Math.random() * 60_000);

/** A unique /24 in 10.0.0.0/8 for restriction fixtures. */
export function uniqueNetwork(): string {
  const n = networkCounter++ % 65_536;
  return `10.${Math.floor(n / 256)}.${n % 256}.0/24`;
}

export interface SeededTenant {
  id: string;
  name: string;
  extensionLimitId: string;
  entryId: string;
}

/** A tenant with two IP restrictions, daily/monthly limits and one extension limit. */
export async function seedTenant(label = "tenant"): Promise<SeededTenant> {
  const name = `${label}-${randomUUID().slice(0, 8)}`;
  const [tenant] = await sql<{ id: string }>(`INSERT INTO tenants (name, description) VALUES ($1, 'seeded') RETURNING id`, [name]);
  const id = tenant!.id;
  const [entry] = await sql<{ id: string }>(
    `INSERT INTO address_entries (list, network, family, tenant_id, comment) VALUES ('TENANT_RESTRICTION', $1, 4, $2, 'office') RETURNING id`,
    [uniqueNetwork(), id],
  );
  await sql(`INSERT INTO address_entries (list, network, family, tenant_id) VALUES ('TENANT_RESTRICTION', $1, 4, $2)`, [uniqueNetwork(), id]);
  await sql(`INSERT INTO tenant_call_limits (tenant_id, daily_limit, monthly_limit, currency) VALUES ($1, 10, 100, 'EUR')`, [id]);
  const [limit] = await sql<{ id: string }>(
    `INSERT INTO extension_call_limits (tenant_id, extension, daily_limit, currency) VALUES ($1, '100', 5, 'EUR') RETURNING id`,
    [id],
  );
  return { id, name, extensionLimitId: limit!.id, entryId: entry!.id };
}
