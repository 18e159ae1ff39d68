import { join } from "node:path";
import type { Caller } from "@/lib/auth/caller";
import { disconnectDb, getDb } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { listBans } from "@/lib/db/queries/bans";
import { setEmbeddedDatabaseUrl } from "@/lib/env";
import { banListQuerySchema, type BanListQueryInput } from "@/lib/validation/bans";
import { createTestDatabase } from "../test/database";

// `npm run bench -- bans` — the Bans page's data function (listBans: current bans grouped per address, with
// jails, nodes and earlier-ban counts) over 1,000,000 stored ban events on 20 nodes: about 3% current, 1% stale
// (expired but never closed, as when a node was unreachable), the rest history. Addresses from the benchmarking
// range 198.18.0.0/15 and the documentation range 2001:db8::/32. Target (issue 6): page p95 < 150 ms. Uses its
// own database on the local PostgreSQL and drops it afterwards.

const EVENTS = 1_000_000;
const NODES = 20;
const SAMPLES = 50;
const TARGET_MS = 150;

const admin: Caller = { role: "ADMIN", tenantId: null, actor: { type: "CLI", id: null, label: "bench" } };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarize(label: string, samples: number[], rows: number): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const p95 = percentile(sorted, 95);
  const verdict = p95 < TARGET_MS ? `(target p95 < ${TARGET_MS} ms: met)` : `(target p95 < ${TARGET_MS} ms: MISSED)`;
  return `${label.padEnd(36)} p50 ${percentile(sorted, 50).toFixed(2).padStart(8)} ms   p95 ${p95.toFixed(2).padStart(8)} ms   max ${sorted[sorted.length - 1]!.toFixed(2).padStart(8)} ms   ${String(rows).padStart(3)} rows  ${verdict}`;
}

async function seed(): Promise<void> {
  const db = getDb();
  await db.$executeRaw`
    INSERT INTO nodes (name, host, ssh_user) SELECT 'bench-node-' || g, '198.18.0.' || g, 'root' FROM generate_series(1, ${NODES}) g`;
  // One statement: a row per event with a random address (IPv4 from 198.18.0.0/15, every fifth IPv6), country,
  // jail and start. g % 33 = 0: current (started in the last 2 hours, ends in a day, recidive permanent);
  // g % 101 = 0: stale (expired, never closed); otherwise history (lifted 10 minutes after it started).
  await db.$executeRawUnsafe(`
    WITH n AS (SELECT array_agg(id ORDER BY name) AS ids FROM nodes),
    r AS (
      SELECT g, random() AS r1, random() AS r2, random() AS r3, floor(random() * 131072)::int AS host, floor(random() * 65536)::int AS v6
      FROM generate_series(1, ${EVENTS}) g
    ),
    e AS (
      SELECT r.*, n.ids[1 + (g % ${NODES})] AS node_id,
             (ARRAY['rampart-asterisk', 'rampart-asterisk', 'rampart-recidive', 'rampart-web'])[1 + floor(r3 * 4)::int] AS jail,
             (ARRAY['CN','RU','US','NL','DE','FR','BR','IN','VN','ID','UA','GB','KR','TR','IR','PL','RO','SG','HK','JP'])[1 + floor(r2 * 20)::int] AS country,
             CASE WHEN g % 33 = 0 THEN now() - r1 * interval '2 hours'
                  ELSE now() - interval '3 hours' - r1 * interval '90 days' END AS banned_at
      FROM r, n
    )
    INSERT INTO ban_events (node_id, jail, address, family, country, first_seen_at, last_seen_at, banned_at, expires_at, unbanned_at)
    SELECT node_id, jail,
           CASE WHEN g % 5 = 0 THEN ('2001:db8:' || to_hex(v6) || '::' || to_hex(host >> 16) || ':' || to_hex(host & 65535))::inet ELSE '198.18.0.0'::inet + host END,
           CASE WHEN g % 5 = 0 THEN 6 ELSE 4 END,
           country, banned_at, banned_at + interval '5 minutes', banned_at,
           CASE WHEN g % 33 = 0 AND jail = 'rampart-recidive' THEN NULL
                WHEN g % 33 = 0 THEN banned_at + interval '1 day'
                ELSE banned_at + interval '10 minutes' END,
           CASE WHEN g % 33 = 0 OR g % 101 = 0 THEN NULL ELSE banned_at + interval '10 minutes' END
    FROM e`);
  await db.$executeRawUnsafe("VACUUM ANALYZE ban_events");
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

async function measure(label: string, caller: Caller, input: BanListQueryInput): Promise<void> {
  const query = banListQuerySchema.parse(input);
  await listBans(caller, query);
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const [page, ms] = await time(() => listBans(caller, query));
    rows = page.items.length;
    samples.push(ms);
  }
  console.log(`  ${summarize(label, samples, rows)}`);
}

/** The cursor `pages` pages into the list (walked once, as a user clicking "Next" would). */
async function deepCursor(input: BanListQueryInput, pages: number): Promise<string> {
  let cursor: string | undefined;
  for (let i = 0; i < pages; i++) {
    const page = await listBans(admin, banListQuerySchema.parse({ ...input, cursor }));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (!cursor) throw new Error("not enough current bans for a deep page");
  return cursor;
}

export async function benchBans(): Promise<void> {
  console.log(`\n== bans page: ${EVENTS.toLocaleString("en-US")} ban events on ${NODES} nodes ==`);
  const db = await createTestDatabase("rampart_bench_bans");
  await migrateDatabase(db.url, join(process.cwd(), "prisma", "migrations"));
  await disconnectDb();
  setEmbeddedDatabaseUrl(db.url);
  try {
    const [, seedMs] = await time(seed);
    const [counts] = await getDb().$queryRaw<{ events: number; current: number; addresses: number; stale: number }[]>`
      SELECT count(*)::int AS events,
             count(*) FILTER (WHERE unbanned_at IS NULL AND (expires_at IS NULL OR expires_at > now()))::int AS current,
             count(DISTINCT address) FILTER (WHERE unbanned_at IS NULL AND (expires_at IS NULL OR expires_at > now()))::int AS addresses,
             count(*) FILTER (WHERE unbanned_at IS NULL AND expires_at <= now())::int AS stale
      FROM ban_events`;
    console.log(
      `seeded in ${(seedMs / 1000).toFixed(1)} s: ${counts!.events.toLocaleString("en-US")} events, ${counts!.current.toLocaleString("en-US")} current ` +
        `(${counts!.addresses.toLocaleString("en-US")} addresses), ${counts!.stale.toLocaleString("en-US")} stale`,
    );

    const tenant = await getDb().tenant.create({ data: { name: "bench-tenant" }, select: { id: true } });
    await getDb().addressEntry.createMany({
      data: ["198.18.16.0/20", "198.19.0.0/24", "2001:db8:100::/40"].map((network) => ({ list: "TENANT_RESTRICTION" as const, network, family: network.includes(":") ? 6 : 4, tenantId: tenant.id })),
    });
    const tenantAdmin: Caller = { role: "TENANT_ADMIN", tenantId: tenant.id, actor: { type: "CLI", id: null, label: "bench-tenant" } };
    const [node] = await getDb().node.findMany({ select: { id: true }, orderBy: { name: "asc" }, take: 1 });

    console.log(`listBans, 50 rows per page, ${SAMPLES} runs each:`);
    await measure("first page (latest ban first)", admin, {});
    await measure("first page by address", admin, { sort: "address" });
    await measure("filtered by country (DE)", admin, { country: "DE" });
    await measure("filtered by network 198.18.64.0/18", admin, { q: "198.18.64.0/18" });
    await measure("one address", admin, { q: "198.18.7.7" });
    await measure("filtered by jail and node", admin, { jail: "rampart-recidive", node: node!.id });
    await measure("deep keyset page (page 100)", admin, { cursor: await deepCursor({}, 100) });
    await measure("deep keyset page by address (page 100)", admin, { sort: "address", cursor: await deepCursor({ sort: "address" }, 100) });
    await measure("tenant admin (3 networks)", tenantAdmin, {});
  } finally {
    await disconnectDb();
    await db.drop();
  }
}
