import { getEnv } from "@/lib/env";

import type { CollectorWorker } from "./collector-queue";

/**
 * The collector worker inside `npm start`, unless RAMPART_WORKER=off. A worker that cannot start (for example a
 * database pg-boss cannot use) does not stop the web app: the failure is logged with what to do instead.
 */
export async function startWorkerIfEnabled(log: (line: string) => void): Promise<CollectorWorker | null> {
  const env = getEnv();
  if (env.RAMPART_WORKER === "off") {
    log("collector worker off (RAMPART_WORKER=off): run `npm run worker` to poll the nodes");
    return null;
  }
  try {
    // Loaded on use: pg-boss, SSH and the parsers are not needed when the worker is off.
    const { startCollectorWorker } = await import("./collector-queue");
    return await startCollectorWorker({ log: (line) => log(`collector: ${line}`) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`collector worker NOT started: ${reason} (check the database, or set RAMPART_WORKER=off and run \`npm run worker\`); nodes are not polled by this process`);
    return null;
  }
}
