/** One step of an orderly shutdown: given at most `deadlineMs`, then the next step runs regardless. */
export interface ShutdownStep {
  name: string;
  deadlineMs: number;
  run(): Promise<unknown>;
}

/** The whole shutdown never takes longer than this: a step that hangs cannot keep the process alive. */
export const SHUTDOWN_DEADLINE_MS = 9_000;

/** Runs the steps in order, each bounded by its deadline; a step that fails or overruns is logged and passed. */
export async function runShutdownSteps(steps: ShutdownStep[], log: (line: string) => void): Promise<void> {
  for (const step of steps) {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<"expired">((done) => (timer = setTimeout(() => done("expired"), step.deadlineMs)));
    const outcome = await Promise.race([step.run().then(() => "done" as const, () => "failed" as const), expired]);
    clearTimeout(timer);
    if (outcome === "expired") {
      log(`shutdown: ${step.name} did not finish within ${step.deadlineMs / 1000} s; going on`);
    } else if (outcome === "failed") {
      log(`shutdown: ${step.name} failed; going on`);
    }
  }
}

/**
 * SIGINT and SIGTERM run the shutdown steps once (a second signal while they run is ignored), then the
 * process exits 0 — or 1 when the overall deadline passes first. Shared by `npm start` (server.ts) and
 * `npm run worker` (worker.ts); each passes its own steps.
 */
export function shutDownOnSignals(log: (line: string) => void, steps: () => ShutdownStep[]): void {
  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    log(`${signal}: shutting down`);
    setTimeout(() => {
      log(`shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await runShutdownSteps(steps(), log);
    log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
