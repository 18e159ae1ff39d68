import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

import { disconnectDb, getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { SNAPSHOT_FORMAT } from "@/lib/observe/snapshot";
import { hashArtefacts } from "@/lib/rules/hash";
import { ARTEFACT_PATHS } from "@/lib/rules/names";
import { encodeArtefacts } from "@/lib/rulesets/versions";
import { UsageError } from "../context";
import { nodesRepair } from "./nodes";

// `rampart nodes repair` against the real database: it prints the push like `rampart push` and exits as it
// does (with --wait, 1 unless the node confirmed). The nodes have no key, so each push fails without SSH.

afterAll(async () => {
  await disconnectDb();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A node with a confirmed stored version and a reachable poll reporting `drifted`. */
async function seedNode(drifted: boolean): Promise<{ name: string; hash: string }> {
  const db = getDb();
  const rest = { "iptables.restore": `# cli repair ${randomUUID()}\n` };
  const hash = hashArtefacts(rest);
  const files = { ...rest, [ARTEFACT_PATHS.manifest]: JSON.stringify({ version: hash }) };
  const version = await db.rulesetVersion.create({ data: { hash, author: "cli-it", policy: {}, manifest: { version: hash }, artefacts: new Uint8Array(encodeArtefacts(files)) } });
  const node = await db.node.create({ data: { name: `it-cli-repair-${randomUUID().slice(0, 8)}`, host: "198.18.0.1", sshUser: "root" } });
  await db.deployment.create({ data: { batchId: randomUUID(), nodeId: node.id, rulesetId: version.id, state: "CONFIRMED", progress: 100, requestedBy: "cli-it", finishedAt: new Date() } });
  await db.nodeSnapshot.create({
    data: { nodeId: node.id, takenAt: new Date(), isReachable: true, data: { format: SNAPSHOT_FORMAT, runningVersion: hash, drift: { digest: "d2", confirmedDigest: drifted ? "d1" : "d2", drifted } } },
  });
  return { name: node.name, hash };
}

async function run(values: Parameters<typeof nodesRepair>[0], positionals: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    await nodesRepair(values, positionals);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    // What cli/rampart.ts main() makes of it.
    return { stdout, stderr: `${stderr}${error instanceof Error ? error.message : String(error)}`, code: error instanceof UsageError || isAppError(error) ? 2 : 1 };
  }
}

describe("rampart nodes repair", () => {
  it("pushes the confirmed version, prints the outcome per node, and with --wait exits 1 when the node did not confirm", async () => {
    const { name, hash } = await seedNode(true);
    const plain = await run({}, [name]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(`repairing ${name}: re-applying version ${hash.slice(0, 12)}`);
    expect(plain.stdout).toMatch(new RegExp(`^${name}\\tFAILED\\t${hash.slice(0, 12)}\\t.*no pinned host key`));

    const waited = await run({ wait: true, json: true, timer: "30" }, [name]);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain("1 of 1 node(s) not confirmed.");
    expect(JSON.parse(waited.stdout)).toMatchObject({ deployments: [{ node: name, state: "FAILED", version: hash }] });
  });

  it("refuses a node in sync unless --force (exit 2), and a bad --timer is a usage error", async () => {
    const { name } = await seedNode(false);
    const refused = await run({}, [name]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`Node ${name} runs its confirmed version; nothing to repair.`);
    expect((await run({ force: true }, [name])).code).toBe(0);
    expect(await run({ timer: "soon" }, [name])).toMatchObject({ code: 2, stderr: "--timer must be a whole number." });
    expect(await run({}, [])).toMatchObject({ code: 2, stderr: "usage: nodes repair NODE [--force] [--wait] [--timer SECONDS] [--json]" });
  });
});
