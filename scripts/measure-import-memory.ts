// Prints the resident memory a dashboard-sized import costs the server process: a fresh database on the
// local PostgreSQL (as the integration tests use), a million distinct addresses imported into the blocklist
// through the one import path (importAddressText), RSS sampled every 20 ms and printed after each phase.
// The text is written into one buffer, so the RSS at rest holds it but no garbage of its making.
//   npx tsx --expose-gc scripts/measure-import-memory.ts [lines]
import { join } from "node:path";
import { migrateDatabase } from "../lib/db/migrate";
import { createTestDatabase } from "../test/database";

const lines = Number(process.argv[2] ?? 1_000_000);

function addressText(count: number): string {
  const buffer = Buffer.allocUnsafe(count * 32);
  let length = 0;
  for (let i = 0; i < count; i++) length += buffer.write(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} # feed ${i % 97}\n`, length, "latin1");
  return buffer.toString("latin1", 0, length);
}

async function main(): Promise<void> {
  const db = await createTestDatabase("rampart_mem");
  try {
    await migrateDatabase(db.url, join(process.cwd(), "prisma", "migrations"));
    process.env.DATABASE_URL = db.url;
    const { importAddressText } = await import("../lib/db/queries/address-entries");
    const { disconnectDb } = await import("../lib/db/client");
    const caller = { role: "ADMIN" as const, tenantId: null, actor: { type: "SYSTEM" as const, id: null, label: "measure" } };
    let text: string | null = addressText(lines);
    const textMiB = Buffer.byteLength(text) / 1024 / 1024;
    // Twice, with a pause: the buffer's memory is released after the collection that frees it.
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
    global.gc?.();
    const rest = process.memoryUsage().rss;
    let peak = rest;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    const onPhase = (phase: string, ms: number) => {
      const rss = process.memoryUsage().rss;
      peak = Math.max(peak, rss);
      console.log(`  ${phase.padEnd(32)} ${(ms / 1000).toFixed(1).padStart(5)} s  RSS +${mib(rss - rest)} MiB, peak so far +${mib(peak - rest)} MiB`);
    };
    const started = performance.now();
    const report = await importAddressText(caller, { kind: "blocklist" }, text, { format: "auto", comment: "", allowCovered: false, confirmBroad: false, onPhase });
    text = null;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(
      `${lines.toLocaleString("en-US")} lines (${textMiB.toFixed(1)} MiB): accepted ${report.accepted.toLocaleString("en-US")} in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `RSS at rest ${mib(rest)} MiB, peak ${mib(peak)} MiB, +${mib(peak - rest)} MiB above rest`,
    );
    await disconnectDb();
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
