import { disconnectDb } from "@/lib/db/client";
import { startCollectorWorker } from "@/lib/jobs/collector-queue";
import { migrate, resolveDatabase } from "@/lib/runtime/database";
import { shutDownOnSignals } from "@/lib/runtime/shutdown";

// `npm run worker`: the collector alone, without the web app, so several machines can share the polling of
// a large cluster. Uses DATABASE_URL, or joins the embedded database of a running `npm start`.

const log = (line: string) => console.log(`rampart worker: ${line}`);

async function main(): Promise<void> {
  const database = await resolveDatabase(log);
  await migrate(database.url, log);
  const worker = await startCollectorWorker({ log });

  shutDownOnSignals(log, () => [
    { name: "collector worker", deadlineMs: 3_000, run: () => worker.stop() },
    { name: "database pool", deadlineMs: 1_000, run: () => disconnectDb() },
    { name: "embedded database", deadlineMs: 5_000, run: () => database.close() },
  ]);
}

main().catch((error: unknown) => {
  console.error(`rampart worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
