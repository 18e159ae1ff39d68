import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { embeddedPaths, startEmbeddedDatabase } from "./embedded";
import { MIGRATIONS_DIR, migrateDatabase, readMigrations } from "./migrate";

// The embedded database is a real PostgreSQL server: concurrent connections never see each other's
// answers, a second process joins the first one's server, a server orphaned by a killed process is
// replaced, and a data directory of the PGlite era is moved into it with every value intact.

const dirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rampart-embedded-"));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined); // the server's own shutdown ends idle connections
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("initialises a real server on first start, reachable only through a private socket", async () => {
    const dataDir = tempDataDir();
    const lines: string[] = [];
    const db = await startEmbeddedDatabase(dataDir, (line) => lines.push(line));
    try {
      expect(db.isOwner).toBe(true);
      expect(lines.join("\n")).toMatch(/initialising the embedded PostgreSQL 17/);
      const version = await withClient(db.url, async (c) => (await c.query<{ v: string }>("SELECT version() AS v")).rows[0]!.v);
      expect(version).toMatch(/^PostgreSQL 17\./);
      const listen = await withClient(db.url, async (c) => (await c.query<{ l: string }>("SELECT current_setting('listen_addresses') AS l")).rows[0]!.l);
      expect(listen, "no TCP listener").toBe("");
      const socketDir = decodeURIComponent(new URL(db.url).searchParams.get("host")!);
      expect(statSync(socketDir).mode & 0o777).toBe(0o700);
      if (process.getuid?.() === 0) expect(statSync(embeddedPaths(dataDir).cluster).uid, "runs as an unprivileged user").not.toBe(0);
    } finally {
      await db.stop();
    }
  });

  it("answers 40 concurrent connections each with its own result", async () => {
    const db = await startEmbeddedDatabase(tempDataDir());
    try {
      const pool = new pg.Pool({ connectionString: db.url, max: 20 });
      pool.on("error", () => undefined);
      const answers = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const { rows } = await pool.query<{ tag: string }>("SELECT $1::text AS tag, pg_sleep(random() / 20)", [`request-${i}`]);
          return rows[0]!.tag;
        }),
      );
      await pool.end();
      expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => `request-${i}`));
    } finally {
      await db.stop();
    }
  });

  it("lets a second process join a running server, and restarts with the data after a stop", async () => {
    const dataDir = tempDataDir();
    const first = await startEmbeddedDatabase(dataDir);
    await withClient(first.url, (c) => c.query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')"));
    // Another process (the CLI while the dashboard runs) joins instead of starting a second server.
    const joinScript = `import("./lib/db/embedded.ts").then(async (m) => { const db = await m.startEmbeddedDatabase(${JSON.stringify(dataDir)}); console.log(JSON.stringify({ isOwner: db.isOwner, url: db.url })); })`;
    const { spawnSync } = await import("node:child_process");
    const joined = spawnSync(process.execPath, ["--import", "tsx", "-e", joinScript], { encoding: "utf8" });
    expect(joined.status, joined.stderr).toBe(0);
    expect(JSON.parse(joined.stdout.trim().split("\n").pop()!)).toEqual({ isOwner: false, url: first.url });
    await first.stop();
    expect(existsSync(embeddedPaths(dataDir).record)).toBe(false);

    const second = await startEmbeddedDatabase(dataDir);
    try {
      const rows = await withClient(second.url, async (c) => (await c.query<{ v: string }>("SELECT v FROM kept")).rows);
      expect(rows).toEqual([{ v: "still here" }]);
    } finally {
      await second.stop();
    }
  });

  it("makes the dashboard wait for a CLI command that holds the server, instead of joining a server about to stop", async () => {
    const dataDir = tempDataDir();
    const { spawn } = await import("node:child_process");
    // A CLI-like owner that holds the database for two seconds, then stops it as a CLI command does.
    const script = `import("./lib/db/embedded.ts").then(async (m) => { const db = await m.startEmbeddedDatabase(${JSON.stringify(dataDir)}, () => {}, { isTransient: true }); console.log("ready"); setTimeout(async () => { await db.stop(); process.exit(0); }, 2000); })`;
    const command = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((done) => command.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && done()));
    const lines: string[] = [];
    const dashboard = await startEmbeddedDatabase(dataDir, (line) => lines.push(line));
    try {
      expect(lines.join("\n")).toMatch(/waiting for a command \(pid \d+\) that holds the embedded database/);
      expect(command.exitCode, "the command had finished before the dashboard went on").not.toBeNull();
      expect(dashboard.isOwner).toBe(true);
      expect(await withClient(dashboard.url, async (c) => (await c.query("SELECT 1 AS one")).rows)).toEqual([{ one: 1 }]);
    } finally {
      await dashboard.stop();
    }
  });

  it("replaces a server left running by a process that was killed", async () => {
    const dataDir = tempDataDir();
    const { spawn } = await import("node:child_process");
    const script = `import("./lib/db/embedded.ts").then(async (m) => { await m.startEmbeddedDatabase(${JSON.stringify(dataDir)}); console.log("ready"); setInterval(() => {}, 1000); })`;
    const owner = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((done) => owner.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && done()));
    const pidFile = join(embeddedPaths(dataDir).cluster, "postmaster.pid");
    const orphanPid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    owner.kill("SIGKILL"); // no chance to stop its server
    await new Promise((done) => owner.once("exit", done));

    const lines: string[] = [];
    const db = await startEmbeddedDatabase(dataDir, (line) => lines.push(line));
    try {
      expect(db.isOwner).toBe(true);
      expect(lines.join("\n")).toContain(`stopping an embedded PostgreSQL (pid ${orphanPid})`);
      expect(await withClient(db.url, async (c) => (await c.query("SELECT 1 AS one")).rows)).toEqual([{ one: 1 }]);
    } finally {
      await db.stop();
    }
  });

  it("moves a PGlite data directory of an earlier release into the new server, value for value", async () => {
    const dataDir = tempDataDir();
    const pgliteDir = embeddedPaths(dataDir).legacyPglite;
    // The earlier release: PGlite behind its socket server, migrated by the same runner.
    const lite = await PGlite.create({ dataDir: pgliteDir });
    const socketPath = join(dataDir, ".s.PGSQL.5432");
    const server = new PGLiteSocketServer({ db: lite, path: socketPath, maxConnections: 1 });
    await server.start();
    const liteUrl = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(dataDir)}`;
    const migrations = await readMigrations(MIGRATIONS_DIR);
    const firstMigration = migrations[0]!.name;
    // An old schema: only the first migration, so the rest must run after the copy.
    await migrateDatabase(liteUrl, MIGRATIONS_DIR, () => undefined, new Set([firstMigration]));
    await withClient(liteUrl, async (c) => {
      await c.query(`INSERT INTO tenants (id, name, description) VALUES ('5b0e3c1e-9a43-4f43-9a43-000000000001', 'ACME ''quoted'' "x"', E'line\\nnext ✓')`);
      await c.query(
        `INSERT INTO users (email, name, password_hash, role, tenant_id) VALUES ('t@acme.test', 'T', 'hash', 'TENANT_ADMIN', '5b0e3c1e-9a43-4f43-9a43-000000000001')`,
      );
      await c.query(`INSERT INTO sign_in_attempts (id, email, ip, success, created_at) VALUES (9007199254740993, 'x@y.z', '2001:db8::1', false, '2026-01-02T03:04:05.678Z')`);
    });
    await server.stop();
    await lite.close();

    const lines: string[] = [];
    const db = await startEmbeddedDatabase(dataDir, (line) => lines.push(line));
    try {
      expect(lines.join("\n")).toMatch(/moving the embedded database of an earlier release \(PGlite/);
      expect(lines.join("\n")).toMatch(/moved \d+ rows in [\d.]+ s; the PGlite directory is kept as .*pglite\.migrated-/);
      await withClient(db.url, async (c) => {
        const tenant = await c.query(`SELECT name, description FROM tenants`);
        expect(tenant.rows).toEqual([{ name: `ACME 'quoted' "x"`, description: "line\nnext ✓" }]);
        const attempt = await c.query(`SELECT id::text, host(ip) AS ip, created_at FROM sign_in_attempts`);
        expect(attempt.rows).toEqual([{ id: "9007199254740993", ip: "2001:db8::1", created_at: new Date("2026-01-02T03:04:05.678Z") }]);
        // The serial column continues after the copied rows.
        const next = await c.query(`INSERT INTO sign_in_attempts (email, ip, success) VALUES ('a@b.c', '192.0.2.1', true) RETURNING id::text`);
        expect(BigInt(next.rows[0].id)).toBeGreaterThan(9007199254740993n);
        const recorded = await c.query(`SELECT migration_name FROM "_prisma_migrations"`);
        expect(recorded.rows.map((r) => r.migration_name)).toEqual([firstMigration]);
      });
      // Later migrations then apply as on any upgrade.
      const result = await migrateDatabase(db.url, MIGRATIONS_DIR);
      expect(result.applied).toEqual(migrations.slice(1).map((m) => m.name));
      expect(existsSync(pgliteDir), "the PGlite directory is renamed, kept as a backup").toBe(false);
    } finally {
      await db.stop();
    }

    // The next start does not copy again.
    const again = await startEmbeddedDatabase(dataDir, (line) => lines.push(line));
    await again.stop();
    expect(lines.filter((l) => l.startsWith("moving")).length).toBe(1);
  });
});
