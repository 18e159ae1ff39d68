import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isBuildCurrent } from "@/lib/runtime/build-stamp";

// `npm start` with no DATABASE_URL: the embedded database under RAMPART_DATA_DIR, the first administrator
// printed once, health reporting the database, and data that survives a restart.

const dataDir = mkdtempSync(join(tmpdir(), "rampart-embedded-"));
let child: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

function isListening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), done(true)));
    socket.once("error", () => done(false));
  });
}

async function start(port: number): Promise<{ output: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), RAMPART_DATA_DIR: dataDir, RAMPART_LISTEN_HOST: "127.0.0.1", NODE_ENV: "production" };
  for (const key of ["DATABASE_URL", "RAMPART_EMBEDDED_DATABASE_URL", "RAMPART_ADMIN_EMAIL", "RAMPART_ADMIN_PASSWORD", "NEXTAUTH_URL", "NEXTAUTH_SECRET"]) delete env[key];
  let output = "";
  // Exactly as the README says: `npm start`. SIGTERM goes to npm, which must hand it on to the server.
  child = spawn("npm", ["start"], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    // The first administrator's credentials come after "dashboard on": wait for the line after them.
    if (output.includes("dashboard on") && (!output.includes("created the first administrator") || output.includes("initial-admin.txt"))) {
      return { output: () => output };
    }
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not start in time:\n${output}`);
}

async function stop(): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((done) => child?.once("exit", done));
  child.kill("SIGTERM");
  await exited;
}

afterAll(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start without DATABASE_URL", () => {
  it("needs the production build (npm test builds before this suite)", () => {
    expect(isBuildCurrent(process.cwd()), "run `npm run build` first").toBe(true);
  });

  it("serves the dashboard on the embedded database and keeps its data across restarts", async () => {
    const port = await freePort();
    const first = await start(port);
    const printed = first.output();
    expect(printed).toMatch(/initialising the embedded PostgreSQL 17/);
    expect(printed).toMatch(/using the embedded PostgreSQL in /);
    const password = /password: (\S+)/.exec(printed)?.[1];
    expect(password, "the generated admin password is printed on first start").toMatch(/^[A-Za-z0-9]{24}$/);
    // ... after "dashboard on", where the build's output cannot hide it, and in a file only its owner reads.
    expect(printed.indexOf("password:")).toBeGreaterThan(printed.indexOf("dashboard on"));
    const credentialsFile = join(dataDir, "initial-admin.txt");
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(credentialsFile, "utf8")).toContain(`password: ${password}`);
    expect(printed, "Next.js telemetry is off and no experimental feature is announced").not.toMatch(/telemetry|Experiments \(use with caution\)/i);

    const base = `http://127.0.0.1:${port}`;
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", db: "ok" });
    expect((await fetch(`${base}/login`)).status).toBe(200);
    expect((await fetch(`${base}/`, { redirect: "manual" })).status).not.toBe(200);

    // SIGTERM shuts down in order (web server, collector, database) and exits 0.
    await stop();
    expect(first.output()).toContain("SIGTERM: shutting down");
    expect(first.output()).toContain("rampart: stopped");
    // Nothing left behind: the port is free and the database server has stopped.
    expect(await isListening(port)).toBe(false);
    expect(existsSync(join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
    expect(child?.exitCode).toBe(0);
    const second = await start(port);
    expect(second.output()).not.toMatch(/created the first administrator/);
    expect(second.output()).toMatch(/database schema is up to date/);
    expect((await (await fetch(`${base}/api/health`)).json()).db).toBe("ok");
  }, 240_000);
});
