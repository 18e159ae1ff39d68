import { rename } from "node:fs/promises";
import pg from "pg";
import { MIGRATIONS_DIR, migrateDatabase } from "@/lib/db/migrate";

// Releases before the PostgreSQL server kept the embedded database in PGlite (`<data>/pglite`). On the
// first start of this release its data is copied into the new cluster, then the PGlite directory is
// renamed (kept as a backup, never read again). The copy is exact: rows travel as PostgreSQL's own JSON
// text (never parsed in JavaScript, so bigints, timestamps, inet and bytea keep every digit), into a target
// migrated to exactly the migrations the source had; later migrations then run as on any upgrade.

const BATCH_ROWS = 2_000;

interface PgliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Copies every table of the PGlite database's public schema into `targetUrl` (an empty, new database). */
export async function copyPgliteIntoPostgres(pgliteDir: string, targetUrl: string, log: (line: string) => void): Promise<void> {
  log(`moving the embedded database of an earlier release (PGlite, ${pgliteDir}) into PostgreSQL; this runs once`);
  const started = Date.now();
  const { PGlite } = await import("@electric-sql/pglite");
  const source = (await PGlite.create({ dataDir: pgliteDir })) as unknown as PgliteLike;
  const target = new pg.Client({ connectionString: targetUrl });
  await target.connect();
  let copiedRows = 0;
  try {
    const already = await target.query(`SELECT to_regclass('public."_prisma_migrations"') IS NOT NULL AS present`);
    if (already.rows[0]?.present) {
      throw new Error(
        `The embedded PostgreSQL already holds data, and an earlier release's PGlite data is still in ${pgliteDir}. ` +
          `Move one of them away (the PGlite directory is only read when the new database is empty).`,
      );
    }
    const applied = await source.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    await migrateDatabase(targetUrl, MIGRATIONS_DIR, () => undefined, new Set(applied.rows.map((r) => r.migration_name)));

    const tables = await source.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    await target.query("BEGIN");
    // Replica mode: foreign keys and triggers (the audit log's append-only guard) do not fire while rows
    // arrive in table order rather than dependency order.
    await target.query("SET LOCAL session_replication_role = replica");
    // The migrations seed singleton rows (settings); the source's rows, and its own migration records with
    // their dates, replace them.
    const names = tables.rows.map((t) => quoteIdent(t.name)).join(", ");
    if (names) await target.query(`TRUNCATE ${names}`);
    for (const { name } of tables.rows) copiedRows += await copyTable(source, target, name);
    await resetSequences(target);
    await target.query("COMMIT");
  } catch (error) {
    await target.query("ROLLBACK").catch(() => undefined);
    throw new Error(`Could not move the PGlite database into PostgreSQL (nothing was changed in ${pgliteDir}): ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await target.end().catch(() => undefined);
    await source.close().catch(() => undefined);
  }
  const backup = `${pgliteDir}.migrated-${new Date().toISOString().slice(0, 10)}`;
  await rename(pgliteDir, backup);
  log(`moved ${copiedRows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s; the PGlite directory is kept as ${backup} (delete it once you are satisfied)`);
}

async function copyTable(source: PgliteLike, target: pg.Client, table: string): Promise<number> {
  const ident = quoteIdent(table);
  let copied = 0;
  await source.query("BEGIN");
  try {
    await source.query(`DECLARE rampart_copy NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS r FROM ${ident} t`);
    for (;;) {
      const { rows } = await source.query<{ r: string }>(`FETCH ${BATCH_ROWS} FROM rampart_copy`);
      if (rows.length === 0) break;
      const json = `[${rows.map((row) => row.r).join(",")}]`;
      await target.query(`INSERT INTO ${ident} SELECT * FROM json_populate_recordset(NULL::${ident}, $1::json)`, [json]);
      copied += rows.length;
    }
  } finally {
    await source.query("COMMIT");
  }
  return copied;
}

/** Serial columns continue after the copied rows. */
async function resetSequences(target: pg.Client): Promise<void> {
  const { rows } = await target.query<{ seq: string; tbl: string; col: string }>(`
    SELECT s.oid::regclass::text AS seq, t.oid::regclass::text AS tbl, a.attname AS col
    FROM pg_class s
    JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'a'
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
    WHERE s.relkind = 'S' AND t.relnamespace = 'public'::regnamespace`);
  for (const row of rows) {
    await target.query(`SELECT setval($1::regclass, COALESCE((SELECT max(${quoteIdent(row.col)}) FROM ${row.tbl}), 0) + 1, false)`, [row.seq]);
  }
}
