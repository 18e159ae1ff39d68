/**
 * SIGINT and SIGTERM run `shutdown` once (a second signal while it runs is ignored), then the process exits
 * 0. Shared by `npm start` (server.ts) and `npm run worker` (worker.ts); each passes its own steps.
 */
export function shutDownOnSignals(log: (line: string) => void, shutdown: () => Promise<void>): void {
  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    log(`${signal}: shutting down`);
    await shutdown();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
