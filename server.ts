import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import next from "next";
import { CLIENT_IP_HEADER } from "@/lib/auth/client-ip";
import { disconnectDb } from "@/lib/db/client";
import { disableNextTelemetryByDefault, getEnv, getPublicUrl, publishAuthEnv } from "@/lib/env";
import { ensureFirstAdmin } from "@/lib/runtime/first-admin";
import { isBuildCurrent, writeBuildStamp } from "@/lib/runtime/build-stamp";
import { migrate, resolveDatabase } from "@/lib/runtime/database";
import { shutDownOnSignals } from "@/lib/runtime/shutdown";
import { deriveKey, loadOrCreateMasterSecret } from "@/lib/secret-key";
import { startWorkerIfEnabled } from "@/lib/jobs/in-process";

// `npm start`: database (embedded unless DATABASE_URL), migrations, first administrator, a production
// build when the sources changed, then the Next.js app behind a small HTTP server that records the TCP
// peer address for throttling and audit (a client cannot forge it with a header).

const isDev = process.argv.includes("--dev");
const root = process.cwd();
const log = (line: string) => console.log(`rampart: ${line}`);

function buildIfNeeded(distDir: string | undefined): void {
  if (isBuildCurrent(root, distDir)) return;
  log("building the dashboard (first start or sources changed; about 2-4 minutes on 2 cores)…");
  const started = Date.now();
  const result = spawnSync(join(root, "node_modules", ".bin", "next"), ["build"], { stdio: "inherit", env: process.env });
  if (result.status !== 0) throw new Error("next build failed");
  writeBuildStamp(root, distDir);
  log(`built the dashboard in ${Math.round((Date.now() - started) / 1000)} s (the next start reuses it)`);
}

/** The generated first password, also kept in a file only its owner can read, so it survives a busy console. */
function writeInitialCredentials(dataDir: string, email: string, password: string): string {
  const path = join(resolve(dataDir), "initial-admin.txt");
  writeFileSync(path, `e-mail:   ${email}\npassword: ${password}\n`, { mode: 0o600 });
  return path;
}

async function main(): Promise<void> {
  disableNextTelemetryByDefault();
  const env = getEnv();
  const database = await resolveDatabase(log);
  log(env.DATABASE_URL ? "using DATABASE_URL" : `using the embedded PostgreSQL in ${join(resolve(env.RAMPART_DATA_DIR), "postgres")}`);
  await migrate(database.url, log);

  const masterSecret = loadOrCreateMasterSecret(env.RAMPART_SECRET_KEY, env.RAMPART_DATA_DIR);
  const publicUrl = getPublicUrl();
  publishAuthEnv({ secret: deriveKey(masterSecret, "session").toString("base64url"), url: publicUrl });

  const admin = await ensureFirstAdmin({ email: env.RAMPART_ADMIN_EMAIL, password: env.RAMPART_ADMIN_PASSWORD });
  const credentials = admin?.generatedPassword
    ? { email: admin.email, password: admin.generatedPassword, file: writeInitialCredentials(env.RAMPART_DATA_DIR, admin.email, admin.generatedPassword) }
    : null;
  if (admin && !admin.generatedPassword) log(`created the first administrator ${admin.email} from RAMPART_ADMIN_EMAIL / RAMPART_ADMIN_PASSWORD`);

  // The collector worker (RAMPART_WORKER=off leaves polling to separate `npm run worker` processes).
  const worker = await startWorkerIfEnabled(log);
  // Pushes cut short by a restart: settled from each node's own status (the worker keeps doing so every round).
  try {
    const { reconcileInFlightDeployments } = await import("@/lib/deploy/reconcile");
    const closed = await reconcileInFlightDeployments();
    if (closed > 0) log(`settled ${closed} push(es) interrupted by the last shutdown from the nodes' own status`);
  } catch (error) {
    log(`could not check for interrupted pushes: ${error instanceof Error ? error.message : String(error)}`);
  }

  if (!isDev) buildIfNeeded(env.RAMPART_NEXT_DIST_DIR);
  const app = next({ dev: isDev, dir: root, hostname: env.RAMPART_LISTEN_HOST, port: env.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer((req, res) => {
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "";
    handle(req, res).catch((error: unknown) => {
      console.error("rampart: request failed", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal error");
    });
  });
  // A port already in use is a start-up failure with its reason (Next.js would log it and keep running).
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(env.PORT, env.RAMPART_LISTEN_HOST, () => {
      server.off("error", fail);
      done();
    });
  });
  log(`dashboard on ${publicUrl}`);
  // Last, so the build's output cannot push them out of view.
  if (credentials) {
    log("created the first administrator. Sign in with these credentials (shown only this once):");
    log(`  e-mail:   ${credentials.email}`);
    log(`  password: ${credentials.password}`);
    log(`  (also in ${credentials.file}, readable by its owner only: delete it once you have signed in and changed the password)`);
  }

  shutDownOnSignals(log, () => [
    {
      name: "web server",
      deadlineMs: 2_000,
      run: () => {
        const closed = new Promise<void>((done) => server.close(() => done()));
        server.closeAllConnections();
        return closed;
      },
    },
    { name: "collector worker", deadlineMs: 3_000, run: async () => worker?.stop() },
    { name: "Next.js", deadlineMs: 1_000, run: () => app.close() },
    { name: "database pool", deadlineMs: 1_000, run: () => disconnectDb() },
    { name: "embedded database", deadlineMs: 5_000, run: () => database.close() },
  ]);
}

main().catch((error: unknown) => {
  console.error(`rampart: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
