import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrateDatabase } from "../lib/db/migrate";
import { databaseUrl, getTestServerUrl } from "../test/database";
import { E2E_DATABASE, E2E_POLL_INTERVAL_SECONDS, E2E_PORT, E2E_SECRET_KEY } from "./env";

// Starts the dashboard for Playwright: a fresh `rampart_e2e` database on the local server, migrated,
// then `server.ts` (the same start-up path as `npm start`) on E2E_PORT. Specs create their own data.

async function main() {
  const serverUrl = getTestServerUrl();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${E2E_DATABASE}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${E2E_DATABASE}"`);
  await admin.end();
  const url = databaseUrl(serverUrl, E2E_DATABASE);
  await migrateDatabase(url, join(process.cwd(), "prisma", "migrations"));

  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    stdio: "inherit",
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: url,
      PORT: String(E2E_PORT),
      RAMPART_LISTEN_HOST: "127.0.0.1",
      RAMPART_PUBLIC_URL: `http://127.0.0.1:${E2E_PORT}`,
      RAMPART_DATA_DIR: mkdtempSync(join(tmpdir(), "rampart-e2e-")),
      RAMPART_ADMIN_EMAIL: "first-admin@rampart.test",
      RAMPART_ADMIN_PASSWORD: "first admin password 1",
      RAMPART_SECRET_KEY: E2E_SECRET_KEY,
      RAMPART_POLL_INTERVAL_SECONDS: String(E2E_POLL_INTERVAL_SECONDS),
    },
  });
  const stop = () => child.kill("SIGTERM");
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  child.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
