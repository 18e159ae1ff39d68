import { getEnv, setEmbeddedDatabaseUrl } from "@/lib/env";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { MIGRATIONS_DIR, migrateDatabase } from "@/lib/db/migrate";

export interface ResolvedDatabase {
  url: string;
  embedded: EmbeddedDatabase | null;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the embedded database under RAMPART_DATA_DIR (started or joined).
 * `isTransient`: the caller is a short command (the CLI), which the dashboard waits for rather than joins.
 */
export async function resolveDatabase(log: (line: string) => void = () => {}, options: { isTransient?: boolean } = {}): Promise<ResolvedDatabase> {
  const env = getEnv();
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: null, close: async () => {} };
  const embedded = await startEmbeddedDatabase(env.RAMPART_DATA_DIR, log, options);
  setEmbeddedDatabaseUrl(embedded.url);
  return { url: embedded.url, embedded, close: () => embedded.stop() };
}

/** Brings the database schema up to date, logging each applied migration. */
export async function migrate(url: string, log: (line: string) => void): Promise<void> {
  const result = await migrateDatabase(url, MIGRATIONS_DIR, log);
  if (result.applied.length === 0) log(`database schema is up to date (${result.alreadyApplied.length} migrations)`);
}
