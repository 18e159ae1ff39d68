import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

// The embedded database: PGlite (PostgreSQL compiled to WebAssembly) served on a local Unix socket, so the
// app, the CLI and the migration runner reach it through the same `pg`/Prisma path as a real server.
// One process owns the data directory; others (the CLI while the dashboard runs) connect to its socket.

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and must stop it). */
  isOwner: boolean;
  stop(): Promise<void>;
}

interface OwnerRecord {
  pid: number;
  url: string;
  socketPath?: string;
  port?: number;
}

const SOCKET_NAME = ".s.PGSQL.5432";
const MAX_UNIX_SOCKET_PATH = 100; // sun_path is 108 bytes on Linux; keep a margin

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function canConnect(target: { path: string } | { host: string; port: number }): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(target);
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

async function readOwner(recordPath: string): Promise<OwnerRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(recordPath, "utf8")) as OwnerRecord;
    if (!isProcessAlive(record.pid) || record.pid === process.pid) return undefined;
    const reachable = record.socketPath
      ? await canConnect({ path: record.socketPath })
      : await canConnect({ host: "127.0.0.1", port: record.port ?? 0 });
    return reachable ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Starts (or joins) the embedded PostgreSQL whose data lives in `<dataDir>/pglite`. */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const runDir = join(root, "run");
  const recordPath = join(runDir, "embedded.json");
  await mkdir(runDir, { recursive: true, mode: 0o700 });

  const existing = await readOwner(recordPath);
  if (existing) return { url: existing.url, isOwner: false, stop: async () => {} };

  const db = await PGlite.create({ dataDir: join(root, "pglite") });
  const socketPath = join(runDir, SOCKET_NAME);
  const useSocket = socketPath.length <= MAX_UNIX_SOCKET_PATH;
  if (useSocket && existsSync(socketPath)) await rm(socketPath); // left behind by a process that died

  const server = useSocket
    ? new PGLiteSocketServer({ db, path: socketPath, maxConnections: 32 })
    : new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 32 });
  await server.start();

  let record: OwnerRecord;
  if (useSocket) {
    record = { pid: process.pid, socketPath, url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(runDir)}` };
  } else {
    const port = Number(server.getServerConn().split(":").pop());
    record = { pid: process.pid, port, url: `postgresql://postgres@127.0.0.1:${port}/postgres` };
  }
  await writeFile(recordPath, JSON.stringify(record), { mode: 0o600 });

  let stopped = false;
  return {
    url: record.url,
    isOwner: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      await rm(recordPath, { force: true });
    },
  };
}
