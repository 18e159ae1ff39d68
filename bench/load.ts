import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "../test/database";
import { freePort, percentile, prepareClients, runLoad, startServer, type LoadResult } from "../test/load/harness";

// Page and API time under the concurrency suite's load (20 parallel clients signing in, reading every page
// and API route and writing), on the embedded database and on PostgreSQL via DATABASE_URL, in one run.
// The floor beside each: /api/health under the same load (HTTP, routing and one SELECT 1).

const CLIENTS = 20;
const SECONDS = Number(process.env.RAMPART_BENCH_LOAD_SECONDS ?? 30);

function row(label: string, values: number[], floor: number[]): string {
  const p50 = percentile(values, 50);
  const p95 = percentile(values, 95);
  const f50 = percentile(floor, 50);
  const f95 = percentile(floor, 95);
  return `  ${label.padEnd(34)} p50 ${p50.toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms   floor /api/health p50 ${f50.toFixed(1)} ms p95 ${f95.toFixed(1)} ms   ratio p95 ${(p95 / f95).toFixed(1)}x  (n=${values.length})`;
}

async function measure(databaseUrl: string | undefined, tag: string): Promise<LoadResult> {
  const dataDir = mkdtempSync(join(tmpdir(), `rampart-bench-load-${tag}-`));
  const server = await startServer({ port: await freePort(), dataDir, databaseUrl });
  try {
    const clients = await prepareClients(server.base, CLIENTS, `bench${tag}${Date.now().toString(36)}`);
    return await runLoad(server.base, clients, SECONDS * 1000);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchLoad(): Promise<void> {
  console.log(`  ${CLIENTS} parallel clients for ${SECONDS} s each (RAMPART_BENCH_LOAD_SECONDS), production build, collector every 5 s`);
  const embedded = await measure(undefined, "emb");
  const db = await createTestDatabase("rampart_bench_load");
  let postgres: LoadResult;
  try {
    postgres = await measure(db.url, "pg");
  } finally {
    await db.drop();
  }
  for (const [name, result] of [["embedded PostgreSQL (default)", embedded], ["PostgreSQL via DATABASE_URL", postgres]] as const) {
    console.log(`  ${name}: ${result.requests} requests, ${(result.requests / SECONDS).toFixed(0)}/s, ${result.failures.length} failed, ${result.signIns} sign-ins, ${result.writes} writes`);
    console.log(row("dashboard pages", result.pageMs, result.healthMs));
    console.log(row("API routes", result.apiMs, result.healthMs));
  }
  const ratio = percentile(embedded.pageMs, 95) / percentile(postgres.pageMs, 95);
  console.log(`  embedded / DATABASE_URL page p95: ${ratio.toFixed(2)}x`);
}
