/**
 * Set-up shared by the lab suites that drive Rampart itself: a migrated test database that the process's
 * environment points at (lib/env reads it once, so call this before importing anything that uses it), and the
 * lab's nodes registered as Rampart nodes with the lab client key sealed as in production. Tests only.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { migrateDatabase } from "@/lib/db/migrate";
import { createTestDatabase } from "@/test/database";

import type { LabDescription } from "./cluster";

export async function useLabDatabase(lab: LabDescription, dir: string, prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const database = await createTestDatabase(prefix);
  await migrateDatabase(database.url, join(process.cwd(), "prisma", "migrations"));
  process.env.DATABASE_URL = database.url;
  process.env.RAMPART_GEOIP_DIR = lab.geo!.dir;
  process.env.RAMPART_DATA_DIR = join(dir, "data");
  process.env.RAMPART_SECRET_KEY = randomBytes(32).toString("base64url");
  return { url: database.url, drop: database.drop };
}

/** Adds every lab node as a Rampart node (pinned host key, sealed client key); returns name → node id. */
export async function registerLabNodes(lab: LabDescription): Promise<Map<string, string>> {
  const { getDb } = await import("@/lib/db/client");
  const { sealNodeKey } = await import("@/lib/crypto/node-keys");
  const privateKey = readFileSync(lab.nodes[0]!.keyPath, "utf8");
  const ids = new Map<string, string>();
  for (const node of lab.nodes) {
    const row = await getDb().node.create({
      data: { name: node.name, host: node.host, port: node.port, sshUser: node.user, hostKeyFingerprint: node.hostKeyFingerprint, encryptedPrivateKey: new Uint8Array(sealNodeKey(privateKey)) },
    });
    ids.set(node.name, row.id);
  }
  return ids;
}
