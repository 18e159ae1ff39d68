import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { disconnectDb, getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { encodeArtefacts } from "@/lib/rulesets/versions";
import { UsageError } from "../context";
import { versionsDiff, versionsList } from "./versions";

// `rampart versions list` and `rampart versions diff` against a database of their own (the list is global and
// newest first, so other suites' versions would change what it prints): output and exit status.

let ownDatabase: { drop(): Promise<void> } | undefined;
const stored: { hash: string }[] = [];
let nodeName = "";

beforeAll(async () => {
  const { useOwnTestDatabase } = await import("@/test/database");
  ownDatabase = await useOwnTestDatabase("rampart_cli_versions");
  const versions: Record<string, string>[] = [{ "iptables.rules": "-A X -j DROP\n" }, { "iptables.rules": "-A X -j REJECT\n", "ipset.restore": "add s 192.0.2.7\n" }];
  for (const [i, files] of versions.entries()) {
    const hash = randomBytes(32).toString("hex");
    const row = await getDb().rulesetVersion.create({
      data: { hash, author: i === 0 ? "cli:root" : "ops@versions.test", createdAt: new Date(Date.UTC(2035, 0, 1, i)), policy: {}, manifest: {}, artefacts: new Uint8Array(encodeArtefacts(files)) },
    });
    stored.push({ hash: row.hash });
    if (i === 1) {
      const node = await getDb().node.create({ data: { name: `cli-versions-${randomUUID().slice(0, 8)}`, host: "198.18.0.1", sshUser: "root" } });
      nodeName = node.name;
      await getDb().deployment.create({ data: { batchId: randomUUID(), nodeId: node.id, rulesetId: row.id, state: "CONFIRMED", requestedBy: "seed", finishedAt: new Date() } });
    }
  }
});

afterAll(async () => {
  await disconnectDb();
  await ownDatabase?.drop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function run(work: () => Promise<void>): Promise<{ out: string[]; err: string[]; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void out.push(String(line)));
  vi.spyOn(console, "error").mockImplementation((line: unknown) => void err.push(String(line)));
  try {
    await work();
    return { out, err, code: 0 };
  } catch (error) {
    // What cli/rampart.ts main() makes of it.
    return { out, err: [...err, String(error)], code: error instanceof UsageError || isAppError(error) ? 2 : 1 };
  }
}

describe("rampart versions list", () => {
  it("prints a table newest first with author, nodes running it and the change summary", async () => {
    const { out, code } = await run(() => versionsList({}));
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^VERSION\s+STORED \(UTC\)\s+AUTHOR\s+RUNNING ON\s+CHANGES$/);
    expect(out[1]).toMatch(new RegExp(`^${stored[1]!.hash.slice(0, 12)}\\s+2035-01-01 01:00:00\\s+ops@versions.test\\s+${nodeName}\\s+ipset.restore \\+1, iptables.rules \\+1 −1$`));
    expect(out[2]).toMatch(new RegExp(`^${stored[0]!.hash.slice(0, 12)}\\s+2035-01-01 00:00:00\\s+cli:root\\s+-\\s+First stored version$`));
  });

  it("prints JSON with --json and honours --limit, saying on stderr that older versions exist", async () => {
    const { out, err, code } = await run(() => versionsList({ json: true, limit: "1" }));
    expect(code).toBe(0);
    const items = JSON.parse(out.join("\n")) as { hash: string; runningOn: string[]; previousHash: string }[];
    expect(items).toEqual([expect.objectContaining({ hash: stored[1]!.hash, runningOn: [nodeName], previousHash: stored[0]!.hash })]);
    expect(err.join("\n")).toMatch(/older versions not shown/);
  });

  it("refuses a bad --limit as a usage error", async () => {
    const { err, code } = await run(() => versionsList({ limit: "0" }));
    expect(code).toBe(2);
    expect(err.join("\n")).toMatch(/--limit must be a whole number from 1 to 100/);
  });
});

describe("rampart versions diff", () => {
  it("prints the removed and added lines per artefact, by prefix", async () => {
    const { out, code } = await run(() => versionsDiff({}, [stored[0]!.hash.slice(0, 8), stored[1]!.hash]));
    expect(code).toBe(0);
    expect(out).toEqual([
      `${stored[0]!.hash.slice(0, 12)} -> ${stored[1]!.hash.slice(0, 12)}: 2 line(s) added, 1 removed`,
      "--- ipset.restore (+1 -0)",
      "+ add s 192.0.2.7",
      "--- iptables.rules (+1 -1)",
      "- -A X -j DROP",
      "+ -A X -j REJECT",
    ]);
  });

  it("prints JSON with --json", async () => {
    const { out, code } = await run(() => versionsDiff({ json: true }, [stored[0]!.hash, stored[1]!.hash]));
    expect(code).toBe(0);
    expect(JSON.parse(out.join("\n"))).toMatchObject({ from: { hash: stored[0]!.hash }, to: { hash: stored[1]!.hash }, addedCount: 2, removedCount: 1 });
  });

  it("exits 2 for an unknown version, a malformed one or a missing argument", async () => {
    const unknown = await run(() => versionsDiff({}, [stored[0]!.hash, "0".repeat(64)]));
    expect(unknown.code).toBe(2);
    expect(unknown.err.join("\n")).toMatch(/No ruleset version is 0{64}/);
    expect((await run(() => versionsDiff({}, [stored[0]!.hash, "nothex"]))).code).toBe(2);
    expect((await run(() => versionsDiff({}, [stored[0]!.hash]))).code).toBe(2);
  });
});
