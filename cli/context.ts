import { userInfo } from "node:os";
import { disconnectDb } from "@/lib/db/client";
import type { Actor } from "@/lib/db/queries/audit";
import { migrate, resolveDatabase } from "@/lib/runtime/database";

/** Who the audit log names for CLI changes: the operating-system user running the command. */
export function getCliActor(): Actor {
  const osUser = userInfo().username;
  return { type: "CLI", id: null, label: `cli:${osUser}` };
}

/** Runs `work` against the app's database (embedded or DATABASE_URL), schema brought up to date first. */
export async function withDatabase<T>(work: () => Promise<T>): Promise<T> {
  // Diagnostics go to stderr: standard output is the command's own (JSON lines where promised).
  const database = await resolveDatabase((line) => console.error(line), { isTransient: true });
  try {
    await migrate(database.url, (line) => console.error(line));
    return await work();
  } finally {
    await disconnectDb();
    await database.close();
  }
}

export class UsageError extends Error {}
