import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/database";
import { migrateDatabase } from "./migrate";

const MIGRATIONS = join(process.cwd(), "prisma", "migrations");

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase("rampart_migrate");
});
afterAll(async () => {
  await db?.drop();
});

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("migrateDatabase", () => {
  it("applies every migration to an empty database and records it the way prisma migrate does", async () => {
    const result = await migrateDatabase(db.url, MIGRATIONS);
    expect(result.applied.length).toBeGreaterThan(0);
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(result.applied);
    for (const row of rows) {
      const sql = await readFile(join(MIGRATIONS, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("is a no-op the second time", async () => {
    const result = await migrateDatabase(db.url, MIGRATIONS);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied.length).toBeGreaterThan(0);
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rampart-migrations-"));
    await cp(MIGRATIONS, dir, { recursive: true });
    const [first] = (await migrateDatabase(db.url, MIGRATIONS)).alreadyApplied;
    await writeFile(join(dir, first!, "migration.sql"), "-- edited\n", { flag: "a" });
    await expect(migrateDatabase(db.url, dir)).rejects.toThrow(/edited after it was applied/);
  });

  it("rolls back a failing migration and records the failure", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rampart-migrations-"));
    await cp(MIGRATIONS, dir, { recursive: true });
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(dir, "29991231000000_broken"));
    await writeFile(join(dir, "29991231000000_broken", "migration.sql"), `CREATE TABLE "half_done" (id int);\nSELECT no_such_function();\n`);
    await expect(migrateDatabase(db.url, dir)).rejects.toThrow(/29991231000000_broken failed/);
    expect(await query(`SELECT to_regclass('half_done') AS t`)).toEqual([{ t: null }]);
    const [row] = await query<{ finished_at: Date | null; logs: string }>(`SELECT finished_at, logs FROM _prisma_migrations WHERE migration_name = '29991231000000_broken'`);
    expect(row?.finished_at).toBeNull();
    expect(row?.logs).toMatch(/no_such_function/);
    await expect(migrateDatabase(db.url, dir)).rejects.toThrow(/failed earlier/);
  });

  it("keeps the audit log append-only at the database", async () => {
    await query(`INSERT INTO audit_log (actor_type, actor_label, action, object_type) VALUES ('SYSTEM', 'test', 'test.write', 'test')`);
    await expect(query(`UPDATE audit_log SET action = 'changed'`)).rejects.toThrow(/append-only/);
    await expect(query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });

  it("refuses a network with host bits set", async () => {
    await expect(query(`INSERT INTO address_entries (list, network, family) VALUES ('BLOCKLIST', '10.0.0.1/8', 4)`)).rejects.toThrow(/canonical/);
  });
});
