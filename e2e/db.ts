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
