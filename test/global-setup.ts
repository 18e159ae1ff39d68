import { join } from "node:path";
import { migrateDatabase } from "../lib/db/migrate";
import { assertServerReachable, createTestDatabase } from "./database";

// One migrated database for the whole integration run; tests use unique data so they never need a reset.
export default async function setup(): Promise<() => Promise<void>> {
  await assertServerReachable();
  const db = await createTestDatabase("rampart_it");
  await migrateDatabase(db.url, join(process.cwd(), "prisma", "migrations"));
  process.env.DATABASE_URL = db.url;
  process.env.RAMPART_TEST_DATABASE_NAME = db.name;
  return async () => {
    await db.drop();
  };
}
