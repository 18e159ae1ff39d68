import pg from "pg";

// Test databases live on a local PostgreSQL only (TEST_DATABASE_URL, default the local server): the
// suites create and drop whole databases, so a remote URL is refused outright.

export const DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]", ""]);

/** The admin URL of the local test server; throws for anything that is not on this machine. */
export function getTestServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const parsed = new URL(url);
  const socketHost = parsed.searchParams.get("host");
  const isLocal = socketHost ? socketHost.startsWith("/") : LOCAL_HOSTS.has(parsed.hostname);
  if (!isLocal) throw new Error(`TEST_DATABASE_URL must point at a local PostgreSQL; refusing ${parsed.hostname}`);
  return url;
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates an empty database with a unique name and returns its URL. */
export async function createTestDatabase(prefix: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const serverUrl = getTestServerUrl();
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(serverUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Fails loudly when PostgreSQL is missing: the integration suite cannot say anything without it. */
export async function assertServerReachable(): Promise<void> {
  const client = new pg.Client({ connectionString: getTestServerUrl(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    throw new Error(
      `\n\n*** Integration tests need a local PostgreSQL (TEST_DATABASE_URL, default ${DEFAULT_TEST_DATABASE_URL}): ${(error as Error).message}\n` +
        `*** Start it (Debian: pg_ctlcluster 15 main start) or point TEST_DATABASE_URL at one. .ci/run does this.\n`,
    );
  }
}

/**
 * A migrated database of the calling suite's own, made the one this process uses (DATABASE_URL), for a suite
 * whose writes would disturb the others sharing the run's database. Call before anything reads the environment.
 */
export async function useOwnTestDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { MIGRATIONS_DIR, migrateDatabase } = await import("../lib/db/migrate");
  const db = await createTestDatabase(prefix);
  await migrateDatabase(db.url, MIGRATIONS_DIR);
  process.env.DATABASE_URL = db.url;
  return db;
}

/** Points this process at a database server that is not there (a socket directory nothing listens in). */
export function useUnreachableDatabase(): void {
  process.env.DATABASE_URL = "postgresql://postgres@localhost/rampart?host=%2Fnonexistent%2Frampart-no-server";
}
