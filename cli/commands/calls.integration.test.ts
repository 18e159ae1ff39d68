import { createHash, randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

import { disconnectDb, getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { UsageError } from "../context";
import { callsList } from "./calls";

// `rampart calls list` against the real database: call records seeded straight into call_records, the table and
// the JSON output, the node and account filters, the cursor of a full page, and usage errors (exit 2) for bad
// options.

afterAll(async () => {
  await disconnectDb();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function seed(): Promise<{ node: string; nodeId: string; account: string }> {
  const node = await getDb().node.create({ data: { name: `it-cli-calls-${randomUUID().slice(0, 8)}`, host: "198.18.0.1", sshUser: "root" }, select: { id: true, name: true } });
  const account = `cli-${randomUUID().slice(0, 8)}`;
  const t0 = Date.parse("2026-02-01T08:00:00.000Z");
  await getDb().callRecord.createMany({
    data: [1, 2, 3].map((i) => ({
      nodeId: node.id,
      uniqueId: `${t0 / 1000 + i}.${i}`,
      recordDigest: createHash("sha256").update(`${account}-${i}`).digest("hex"),
      accountCode: account,
      source: `100${i}`,
      destination: i === 3 ? "33\u001b[31m1" : `4930${i}`,
      context: "from-internal",
      callerId: "",
      channel: "PJSIP/100-1",
      dstChannel: "",
      lastApp: "Dial",
      startedAt: new Date(t0 + i * 60_000),
      answeredAt: i === 2 ? null : new Date(t0 + i * 60_000 + 3_000),
      endedAt: new Date(t0 + i * 60_000 + 30_000),
      durationSeconds: 30,
      billSeconds: i === 2 ? 0 : 27,
      disposition: i === 2 ? ("NO_ANSWER" as const) : ("ANSWERED" as const),
      // The guard allowed call 1 (priced), refused call 2 and did not decide call 3.
      guardOutcome: i === 1 ? ("ALLOW" as const) : i === 2 ? ("REFUSE" as const) : null,
      guardReason: i === 2 ? "tenant-monthly" : null,
      guardExtension: i === 3 ? null : `100${i}`,
      cost: i === 1 ? "0.0450" : null,
      currency: i === 1 ? "EUR" : null,
    })),
  });
  return { node: node.name, nodeId: node.id, account };
}

async function run(values: Parameters<typeof callsList>[0]): Promise<{ out: string[]; err: string[]; error: unknown }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void out.push(String(line)));
  vi.spyOn(console, "error").mockImplementation((line: unknown) => void err.push(String(line)));
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  try {
    await callsList(values);
    return { out, err, error: null };
  } catch (error) {
    return { out, err, error };
  }
}

describe("rampart calls list", () => {
  it("prints the records of a node and account newest first, control characters made printable", async () => {
    const f = await seed();
    const { out, error } = await run({ node: f.node, account: f.account });
    expect(error).toBeNull();
    expect(out[0]).toMatch(/^STARTED \(UTC\)\s+NODE\s+ACCOUNT\s+SOURCE -> DESTINATION\s+DISPOSITION\s+BILLED\/DURATION\s+EXTENSION\s+COST\s+GUARD$/);
    expect(out.slice(1).map((line) => line.split(/\s{2,}/))).toEqual([
      ["2026-02-01 08:03:00", f.node, f.account, "1003 -> 33\\u{1b}[31m1", "ANSWERED", "27/30 s", "-", "-", "-"],
      ["2026-02-01 08:02:00", f.node, f.account, "1002 -> 49302", "NO_ANSWER", "0/30 s", "1002", "-", "REFUSE: The tenant's monthly limit is reached"],
      ["2026-02-01 08:01:00", f.node, f.account, "1001 -> 49301", "ANSWERED", "27/30 s", "1001", "€0.045", "ALLOW"],
    ]);
  });

  it("pages with --limit and --cursor, and prints {items, nextCursor} with --json", async () => {
    const f = await seed();
    const firstPage = await run({ account: f.account, limit: "2" });
    expect(firstPage.out).toHaveLength(3);
    const cursor = /--cursor (\S+)$/.exec(firstPage.err.at(-1) ?? "")?.[1];
    expect(cursor).toEqual(expect.any(String));
    const rest = await run({ account: f.account, limit: "2", cursor, json: true });
    const body = JSON.parse(rest.out.join("")) as { items: { destination: string; node: string; nodeId: string; startedAt: string }[]; nextCursor: string | null };
    expect(body.nextCursor).toBeNull();
    expect(body.items).toEqual([
      expect.objectContaining({
        destination: "49301",
        node: f.node,
        nodeId: f.nodeId,
        startedAt: "2026-02-01T08:01:00.000Z",
        guardOutcome: "ALLOW",
        guardReason: null,
        guardExtension: "1001",
        cost: "0.045",
        currency: "EUR",
      }),
    ]);
    expect((await run({ account: `${f.account}-nobody` })).out).toEqual(["no call records"]);
  });

  it("refuses a bad option or an unknown node with a usage error (exit 2)", async () => {
    for (const values of [{ limit: "0" }, { limit: "many" }, { cursor: "not-a-cursor" }, { node: `no-such-node-${randomUUID()}` }, { account: "a\u0000" }]) {
      const { error } = await run(values);
      expect(error instanceof UsageError || isAppError(error), JSON.stringify(values)).toBe(true);
    }
    expect(String((await run({ limit: "0" })).error)).toMatch(/--limit: limit must be a whole number from 1 to 500/);
  });
});
