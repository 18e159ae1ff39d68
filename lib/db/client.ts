import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getDatabaseUrl } from "@/lib/env";
import { AppError } from "@/lib/errors";

// One Prisma client per process (Next.js dev reloads modules, so it is kept on globalThis).
const globalForPrisma = globalThis as unknown as { rampartPrisma?: PrismaClient };

function createClient(): PrismaClient {
  const url = getDatabaseUrl();
  if (!url) throw new AppError("DB_UNAVAILABLE", "No database configured: set DATABASE_URL or start Rampart with `npm start`.");
  // The embedded database is a real PostgreSQL server: the same pool and settings as DATABASE_URL.
  // PostgreSQL's JIT adds seconds of compile time to the short list queries this app runs: turn it off.
  const adapter = new PrismaPg({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000, options: "-c jit=off" });
  return new PrismaClient({ adapter });
}

/** The process-wide Prisma client (created on first use). */
export function getDb(): PrismaClient {
  globalForPrisma.rampartPrisma ??= createClient();
  return globalForPrisma.rampartPrisma;
}

export async function disconnectDb(): Promise<void> {
  await globalForPrisma.rampartPrisma?.$disconnect();
  globalForPrisma.rampartPrisma = undefined;
}
