import { randomInt, randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Caller } from "@/lib/auth/caller";
import { disconnectDb, getDb } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import {
  findCoveringEntries,
  getListSummary,
  importAddressText,
  listAddressEntries,
} from "@/lib/db/queries/address-entries";
import { encodeCursor } from "@/lib/lists/cursor";
import { parseNetwork } from "@/lib/net/parse";
import { setEmbeddedDatabaseUrl } from "@/lib/env";
import { listQuerySchema } from "@/lib/validation/address-entry";
import { createTestDatabase } from "../test/database";

// `npm run bench` — address lists at scale: a blocklist of 1,000,000 entries imported through the same path as
// `rampart lists import` (parse, duplicate and coverage analysis, chunked INSERT … unnest), then the list page
// (keyset pages, the dashboard's own DAL call with its status badges) and the "covers" lookup. Targets: list
// page p95 < 100 ms, covers < 10 ms. Uses its own database on the local PostgreSQL and drops it afterwards.

const ENTRIES = 1_000_000;
const PAGE_SAMPLES = 200;
const COVERS_SAMPLES = 200;

const caller: Caller = { role: "ADMIN", tenantId: null, actor: { type: "CLI", id: null, label: "bench" } };

const ipv4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** About 1M lines: unique IPv4 hosts, some IPv4 /24 and IPv6 /64 networks, a few comments. */
function generateLines(): { text: string; hosts: number[] } {
  const hosts = new Set<number>();
  const lines: string[] = [];
  for (let i = 0; i < 5_000; i++) lines.push(`${ipv4(((randomInt(1, 224) * 2 ** 24 + randomInt(0, 2 ** 24)) & ~255) >>> 0)}/24`);
  for (let i = 0; i < 15_000; i++) lines.push(`2001:db8:${randomInt(0, 0xffff).toString(16)}:${randomInt(0, 0xffff).toString(16)}::/64`);
  while (hosts.size < ENTRIES - 20_000) hosts.add(randomInt(1, 224) * 2 ** 24 + randomInt(0, 2 ** 24));
  let k = 0;
  for (const host of hosts) lines.push(k++ % 50 === 0 ? `${ipv4(host)} # scanner` : ipv4(host));
  // Shuffle, so the import cannot profit from sorted input.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return { text: `${lines.join("\n")}\n`, hosts: [...hosts] };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarize(label: string, samples: number[], target?: number): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  const verdict = target === undefined ? "" : p95 < target ? `  (target p95 < ${target} ms: met)` : `  (target p95 < ${target} ms: MISSED)`;
  return `${label.padEnd(34)} p50 ${p50.toFixed(2).padStart(8)} ms   p95 ${p95.toFixed(2).padStart(8)} ms   max ${sorted[sorted.length - 1]!.toFixed(2).padStart(8)} ms${verdict}`;
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

export async function benchLists(): Promise<void> {
  console.log(`\n== address lists: blocklist of ${ENTRIES.toLocaleString("en-US")} entries ==`);
  const db = await createTestDatabase("rampart_bench_lists");
  await migrateDatabase(db.url, join(process.cwd(), "prisma", "migrations"));
  await disconnectDb();
  setEmbeddedDatabaseUrl(db.url);
  try {
    const { text, hosts } = generateLines();
    console.log(`generated ${(text.length / 1024 / 1024).toFixed(1)} MB of input`);

    const phases: string[] = [];
    const onPhase = (phase: string, ms: number) => phases.push(`${phase} ${(ms / 1000).toFixed(1)} s`);
    const [report, importMs] = await time(() =>
      importAddressText(caller, { kind: "blocklist" }, text, { format: "text", comment: "", allowCovered: false, confirmBroad: false, source: "bench", onPhase }),
    );
    console.log(
      `import (rampart lists import path):  ${(importMs / 1000).toFixed(1)} s for ${report.lines.toLocaleString("en-US")} lines — ` +
        `${report.accepted.toLocaleString("en-US")} accepted, ${report.rejected.length.toLocaleString("en-US")} rejected ` +
        `(${report.covered} covered by a /24 of the same file, ${report.duplicates} duplicates)`,
    );
    console.log(`  phases: ${phases.join(", ")}`);

    // A whitelist of a thousand entries, so every page row's conflict probe has something to look at.
    const whitelist = Array.from({ length: 1_000 }, (_, i) => (i % 2 === 0 ? ipv4(hosts[randomInt(0, hosts.length)]!) : `${ipv4(randomInt(1, 224) * 2 ** 24)}/16`));
    await importAddressText(caller, { kind: "whitelist" }, whitelist.join("\n"), { format: "text", comment: "", allowCovered: true, confirmBroad: false });
    await getDb().$executeRawUnsafe("VACUUM ANALYZE address_entries");

    const [importedAt] = await getDb().$queryRaw<{ at: Date }[]>`SELECT max(created_at) AS at FROM address_entries WHERE list = 'BLOCKLIST'`;
    // Warm-up: the first queries pay for plan caching and connection set-up.
    for (let i = 0; i < 5; i++) await listAddressEntries(caller, { kind: "blocklist" }, listQuerySchema.parse({}));

    const newest: number[] = [];
    const byNetwork: number[] = [];
    let rowsSeen = 0;
    for (let i = 0; i < PAGE_SAMPLES; i++) {
      const isNetworkSort = i % 2 === 1;
      const cursor = isNetworkSort
        ? encodeCursor({ sort: "network", direction: i % 4 === 1 ? "after" : "before", id: randomUUID(), network: ipv4(randomInt(1, 224) * 2 ** 24 + randomInt(0, 2 ** 24)) })
        : encodeCursor({ sort: "newest", direction: i % 4 === 0 ? "after" : "before", id: randomUUID(), createdAt: importedAt!.at });
      const query = listQuerySchema.parse({ sort: isNetworkSort ? "network" : "newest", limit: 50, cursor });
      const [page, ms] = await time(() => listAddressEntries(caller, { kind: "blocklist" }, query));
      rowsSeen += page.items.length;
      (isNetworkSort ? byNetwork : newest).push(ms);
    }
    console.log(`list page (50 rows, badges), ${PAGE_SAMPLES} random keyset pages, ${rowsSeen.toLocaleString("en-US")} rows:`);
    console.log(`  ${summarize("all pages", [...newest, ...byNetwork], 100)}`);
    console.log(`  ${summarize("newest first", newest)}`);
    console.log(`  ${summarize("by network", byNetwork)}`);

    const covers: number[] = [];
    let found = 0;
    for (let i = 0; i < COVERS_SAMPLES; i++) {
      const address = i % 2 === 0 ? ipv4(hosts[randomInt(0, hosts.length)]!) : ipv4(randomInt(1, 224) * 2 ** 24 + randomInt(0, 2 ** 24));
      const parsed = parseNetwork(address);
      if (!parsed.ok) throw new Error(parsed.error);
      const [entries, ms] = await time(() => findCoveringEntries(caller, { kind: "blocklist" }, parsed.value));
      if (entries.length > 0) found++;
      covers.push(ms);
    }
    console.log(`covers query, ${COVERS_SAMPLES} addresses (${found} covered):`);
    console.log(`  ${summarize("covers", covers, 10)}`);

    const [summary, summaryMs] = await time(() => getListSummary(caller, { kind: "blocklist" }));
    console.log(`list summary (counts, conflicts with the whitelist): ${summaryMs.toFixed(0)} ms — ${summary.total.toLocaleString("en-US")} entries, ${summary.conflicts} in conflict`);
  } finally {
    await disconnectDb();
    await db.drop();
  }
}
