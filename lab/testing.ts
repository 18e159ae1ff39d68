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
import { run } from "@/test/rules/netns";

import { nodeExecArgv, type LabDescription } from "./cluster";
import { readState } from "./state";

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

/** Reading a lab node from the test: its state, a command in its namespace, its agent's status, Rampart's rules. */
export function labNodeReader(dir: string) {
  const nodeState = (name: string) => {
    const node = readState(dir)?.nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`no lab node called ${name}`);
    return node;
  };
  const onNode = (name: string, argv: string[]) => run("ip", nodeExecArgv(nodeState(name).namespace, nodeState(name).dir, argv));
  /** What the node's agent says it runs (`status`), the fields the fault tests compare with the panel's record. */
  const agentStatus = (name: string) => {
    const text = onNode(name, ["/bin/sh", "/var/lib/rampart/agent/rampart-node.sh", "status"]).stdout;
    const value = (key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(text)?.[1] ?? "";
    return { version: value("version"), digest: value("digest"), confirmedDigest: value("confirmed_digest"), pending: value("pending") };
  };
  /** Rampart's rules in the kernel (iptables-save lines naming RAMPART, chain counters left out). */
  const rampartRules = (name: string) =>
    onNode(name, ["iptables-save"]).stdout.split("\n").filter((l) => /RAMPART/.test(l) && !l.startsWith(":")).join("\n");
  return { nodeState, onNode, agentStatus, rampartRules };
}
