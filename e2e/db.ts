import { randomUUID } from "node:crypto";
import pg from "pg";
import { hashPassword } from "../lib/auth/password";
import { databaseUrl, getTestServerUrl } from "../test/database";
import { E2E_DATABASE } from "./env";

// Direct access to the e2e database: specs seed unique data and assert what the database holds.

export const PASSWORD = "a long test password 1";

let pool: pg.Pool | undefined;
export function getPool(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: databaseUrl(getTestServerUrl(), E2E_DATABASE), max: 2 });
  return pool;
}

export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await getPool().query<T>(text, params)).rows;
}

export type Role = "ADMIN" | "OPERATOR" | "TENANT_ADMIN" | "VIEWER";

export async function createTenant(name = `tenant-${randomUUID().slice(0, 8)}`): Promise<{ id: string; name: string }> {
  const [row] = await sql<{ id: string }>(`INSERT INTO tenants (name) VALUES ($1) RETURNING id`, [name]);
  return { id: row!.id, name };
}

/** A new user with a unique e-mail and the shared test password. */
export async function createUser(role: Role, tenantId: string | null = null): Promise<{ id: string; email: string }> {
  if (role === "TENANT_ADMIN" && !tenantId) tenantId = (await createTenant()).id;
  const email = `${role.toLowerCase()}-${randomUUID().slice(0, 12)}@rampart.test`;
  const [row] = await sql<{ id: string }>(
    `INSERT INTO users (email, password_hash, role, tenant_id) VALUES ($1, $2, $3, $4) RETURNING id`,
    [email, await hashPassword(PASSWORD), role, tenantId],
  );
  return { id: row!.id, email };
}

// Observation seeding (Overview, Node and Bans specs): nodes without keys, so the collector never polls them and
// only the rows written here describe them.

/** A node with a unique slug name and no key (never polled by the e2e server's collector). */
export async function createNode(prefix = "obs"): Promise<{ id: string; name: string }> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const [row] = await sql<{ id: string }>(`INSERT INTO nodes (name, host, ssh_user) VALUES ($1, '192.0.2.10', 'rampart') RETURNING id`, [name]);
  return { id: row!.id, name };
}

export interface BanEventSeed {
  nodeId: string;
  address: string;
  jail?: string;
  country?: string | null;
  bannedAt?: Date;
  /** Default: one hour after bannedAt; null: permanent. */
  expiresAt?: Date | null;
  unbannedAt?: Date | null;
}

export async function insertBanEvent(seed: BanEventSeed): Promise<string> {
  const bannedAt = seed.bannedAt ?? new Date();
  const expiresAt = seed.expiresAt === undefined ? new Date(bannedAt.getTime() + 3_600_000) : seed.expiresAt;
  const [row] = await sql<{ id: string }>(
    `INSERT INTO ban_events (node_id, jail, address, family, country, first_seen_at, last_seen_at, banned_at, expires_at, unbanned_at)
     VALUES ($1, $2, $3::inet, family($3::inet), $4, $5, $5, $5, $6, $7) RETURNING id::text`,
    [seed.nodeId, seed.jail ?? "rampart-asterisk", seed.address, seed.country ?? null, bannedAt, expiresAt, seed.unbannedAt ?? null],
  );
  return row!.id;
}

/** One node_snapshots row; `data` follows lib/observe/snapshot.ts NodeObservation (or {} for a failed poll). */
export async function insertSnapshot(seed: { nodeId: string; takenAt: Date; isReachable: boolean; error?: string | null; data?: unknown }): Promise<void> {
  await sql(`INSERT INTO node_snapshots (node_id, taken_at, is_reachable, error, data) VALUES ($1, $2, $3, $4, $5::jsonb)`, [
    seed.nodeId,
    seed.takenAt,
    seed.isReachable,
    seed.error ?? null,
    JSON.stringify(seed.data ?? {}),
  ]);
}
