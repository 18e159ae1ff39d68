import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isBuildCurrent } from "@/lib/runtime/build-stamp";
import { createTestDatabase } from "./database";
import { findMissingEntries, freePort, prepareClients, runLoad, startServer, type LoadResult, type StartedServer } from "./load/harness";

// The dashboard under 20 parallel clients for a minute (RAMPART_LOAD_SECONDS), on the embedded database
// (the README's default) and on PostgreSQL through DATABASE_URL: every page and API route, sign-ins,
// tagged writes read back, the collector polling every 5 s. Zero errors, zero sign-outs, and every answer
// belongs to its request. Then SIGTERM in the middle of more load: the server is gone within 10 s, and
// the next start has every write it acknowledged.

const CLIENTS = 20;
const LOAD_MS = Number(process.env.RAMPART_LOAD_SECONDS ?? 60) * 1000;
const dirs: string[] = [];
const servers: StartedServer[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function summary(result: LoadResult): string {
  const byKind = result.failures.slice(0, 15).map((f) => `${f.kind} ${f.request} (${f.client}): ${f.detail}`);
  return `${result.requests} requests, ${result.failures.length} failures\n${byKind.join("\n")}`;
}

async function soakThenRestart(databaseUrl: string | undefined, tag: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), `rampart-load-${tag}-`));
  dirs.push(dataDir);
  const port = await freePort();
  const first = await startServer({ port, dataDir, databaseUrl });
  servers.push(first);
  const clients = await prepareClients(first.base, CLIENTS, `${tag}${Date.now().toString(36)}`);

  const load = await runLoad(first.base, clients, LOAD_MS);
  expect(load.failures, summary(load)).toEqual([]);
  expect(load.signIns).toBeGreaterThan(CLIENTS);
  expect(load.writes).toBeGreaterThan(CLIENTS);
  expect(first.output()).not.toMatch(/prepared statement|portal "" does not exist|Cannot read properties of null/);

  // SIGTERM while 20 clients keep going: what was acknowledged before the end must survive.
  const during = runLoad(first.base, clients, 30_000, { clientOffset: CLIENTS, stopOnError: true });
  await new Promise((r) => setTimeout(r, 3_000));
  const stopped = await first.stop();
  const interrupted = await during;
  expect(stopped.ms, first.output().slice(-2000)).toBeLessThan(10_000);
  expect(stopped.code).toBe(0);

  const second = await startServer({ port, dataDir, databaseUrl });
  servers.push(second);
  const missing = await findMissingEntries(second.base, [...load.kept, ...interrupted.kept]);
  expect(missing).toEqual([]);
  await second.stop();
}

describe("the dashboard under concurrent load", () => {
  it("needs the production build (npm test builds before this suite)", () => {
    expect(isBuildCurrent(process.cwd()), "run `npm run build` first").toBe(true);
  });

  it(`serves ${CLIENTS} parallel clients on the embedded database without one wrong answer, and stops within 10 s`, { timeout: LOAD_MS + 240_000 }, async () => {
    await soakThenRestart(undefined, "emb");
  });

  it(`serves ${CLIENTS} parallel clients on PostgreSQL via DATABASE_URL the same way`, { timeout: LOAD_MS + 240_000 }, async () => {
    const db = await createTestDatabase("rampart_load");
    try {
      await soakThenRestart(db.url, "pg");
    } finally {
      await db.drop();
    }
  });
});
