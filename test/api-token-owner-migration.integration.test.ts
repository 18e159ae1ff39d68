import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, readMigrations } from "@/lib/db/migrate";
import { createTestDatabase } from "./database";

// The upgrade story of 20261202140000_api_token_owner, on a database migrated up to the one before it:
// tokens whose creating user is gone or disabled are revoked (audited), CLI tokens stay, and every live
// token without an expiry gets the default lifetime.

const MIGRATIONS = join(process.cwd(), "prisma", "migrations");
const TOKEN_OWNER_MIGRATION = "20261202140000_api_token_owner";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase("rampart_token_owner");
  const before = (await readMigrations(MIGRATIONS)).map((m) => m.name).filter((name) => name < TOKEN_OWNER_MIGRATION);
  await migrateDatabase(db.url, MIGRATIONS, () => {}, new Set(before));
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

async function insertToken(name: string, createdById: string | null, creator: "USER" | "CLI", expiresAt: Date | null = null): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO api_tokens (name, prefix, token_hash, role, created_by_id, expires_at) VALUES ($1, 'rmp_x', md5($1), 'ADMIN', $2, $3) RETURNING id`,
    [name, createdById, expiresAt],
  );
  const id = rows[0]!.id;
  await client.query(
    `INSERT INTO audit_log (actor_type, actor_label, action, object_type, object_id) VALUES ($1, 'someone', 'token.create', 'api-token', $2)`,
    [creator, id],
  );
  return id;
}

describe(`migration ${TOKEN_OWNER_MIGRATION}`, () => {
  it("revokes tokens of deleted and disabled creators with an audit row each, keeps CLI and live owners' tokens, and bounds every expiry", async () => {
    const { rows: users } = await client.query<{ id: string; disabled: boolean }>(
      `INSERT INTO users (email, password_hash, role, disabled) VALUES ('live@m.test', 'x', 'ADMIN', false), ('off@m.test', 'x', 'ADMIN', true) RETURNING id, disabled`,
    );
    const live = users.find((u) => !u.disabled)!.id;
    const off = users.find((u) => u.disabled)!.id;
    const fixedExpiry = new Date("2030-01-01T00:00:00Z");
    const ids = {
      orphan: await insertToken("orphan", null, "USER"),
      cli: await insertToken("cli", null, "CLI"),
      disabledOwner: await insertToken("disabled-owner", off, "USER"),
      liveOwner: await insertToken("live-owner", live, "USER"),
      fixed: await insertToken("fixed", live, "USER", fixedExpiry),
    };

    await migrateDatabase(db.url, MIGRATIONS);

    const { rows } = await client.query<{ id: string; revoked_at: Date | null; expires_at: Date | null; last_used_ip: string | null }>(
      `SELECT id, revoked_at, expires_at, last_used_ip FROM api_tokens`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(ids.orphan)?.revoked_at).not.toBeNull();
    expect(byId.get(ids.disabledOwner)?.revoked_at).not.toBeNull();
    for (const kept of [ids.cli, ids.liveOwner, ids.fixed]) expect(byId.get(kept)?.revoked_at).toBeNull();
    const in90Days = Date.now() + 90 * 86_400_000;
    for (const bounded of [ids.cli, ids.liveOwner]) expect(Math.abs(byId.get(bounded)!.expires_at!.getTime() - in90Days)).toBeLessThan(120_000);
    expect(byId.get(ids.fixed)?.expires_at?.toISOString()).toBe(fixedExpiry.toISOString());

    const { rows: audit } = await client.query<{ object_id: string; actor_type: string; after: { reason: string } }>(
      `SELECT object_id, actor_type, after FROM audit_log WHERE action = 'token.revoke' ORDER BY object_id`,
    );
    expect(audit.map((a) => a.object_id).sort()).toEqual([ids.orphan, ids.disabledOwner].sort());
    expect(audit.every((a) => a.actor_type === "SYSTEM" && a.after.reason === "owner-gone")).toBe(true);

    const { rows: settings } = await client.query<{ token_lifetime_days: number }>(`SELECT token_lifetime_days FROM platform_settings`);
    expect(settings).toEqual([{ token_lifetime_days: 90 }]);
  });
});
