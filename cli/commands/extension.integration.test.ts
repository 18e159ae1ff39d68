import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

import { disconnectDb, getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { UsageError } from "../context";
import { extensionBlocks, extensionUnblock } from "./extension";

// `rampart extension blocks` and `rampart extension unblock` against the real database: blocks seeded as the
// collector stores them, the table and the JSON output, a lift (lifted_by and the audit log name the CLI user) sent
// to the cluster through an injected sync, a second unblock refused, and usage errors (exit 2) for bad arguments.

afterAll(async () => {
  await disconnectDb();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function seed() {
  const account = `cli-${randomUUID().slice(0, 8)}`;
  const tenant = await getDb().tenant.create({ data: { name: `cli-blocks-${randomUUID()}`, accountCode: account }, select: { name: true } });
  const node = await getDb().node.create({ data: { name: `it-cli-blocks-${randomUUID().slice(0, 8)}`, host: "198.18.0.1", sshUser: "root" }, select: { id: true, name: true } });
  const open = await getDb().extensionBlock.create({
    data: { accountCode: account, extension: "1001", nodeId: node.id, number: "0088213000001", blockedAt: new Date("2026-05-01T09:00:00.000Z") },
  });
  await getDb().extensionBlock.create({
    data: {
      accountCode: account,
      extension: "1002",
      nodeId: node.id,
      number: "0088213000002",
      blockedAt: new Date("2026-05-01T10:00:00.000Z"),
      liftedAt: new Date("2026-05-01T11:00:00.000Z"),
      liftedBy: "ops@example.test",
    },
  });
  return { account, tenant: tenant.name, node: node.name, open };
}

async function run(work: () => Promise<void>): Promise<{ out: string[]; err: string[]; error: unknown }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void out.push(String(line)));
  vi.spyOn(console, "error").mockImplementation((line: unknown) => void err.push(String(line)));
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  try {
    await work();
    return { out, err, error: null };
  } catch (error) {
    return { out, err, error };
  }
}

const sync = async () => [
  { nodeId: randomUUID(), ok: true },
  { nodeId: randomUUID(), ok: false, error: "unreachable" },
];

describe("rampart extension blocks", () => {
  it("prints the blocks open first, with tenant, number, node and lift, and pages with --limit and --cursor", async () => {
    const f = await seed();
    const { out, error } = await run(() => extensionBlocks({ limit: "500" }));
    expect(error).toBeNull();
    expect(out[0]).toMatch(/^STATE\s+ACCOUNT\s+EXTENSION\s+TENANT\s+NUMBER\s+NODE\s+BLOCKED \(UTC\)\s+LIFTED \(UTC\)$/);
    const mine = out.slice(1).map((line) => line.split(/\s{2,}/)).filter((cells) => cells[1] === f.account);
    expect(mine).toEqual([
      ["BLOCKED", f.account, "1001", f.tenant, "0088213000001", f.node, "2026-05-01 09:00:00", "-"],
      ["lifted", f.account, "1002", f.tenant, "0088213000002", f.node, "2026-05-01 10:00:00", "2026-05-01 11:00:00 by ops@example.test"],
    ]);
    const firstPage = await run(() => extensionBlocks({ limit: "1" }));
    expect(firstPage.out).toHaveLength(2);
    expect(firstPage.err.at(-1) ?? "").toMatch(/--cursor \S+$/);
    const json = await run(() => extensionBlocks({ open: true, limit: "500", json: true }));
    const body = JSON.parse(json.out.join("")) as { items: { id: string; isOpen: boolean }[] };
    expect(body.items.filter((b) => b.id === f.open.id)).toEqual([expect.objectContaining({ isOpen: true })]);
    expect(body.items.every((b) => b.isOpen)).toBe(true);
  });
});

describe("rampart extension unblock", () => {
  it("lifts the open block as the CLI user (audited), says how many nodes have it, and refuses a second unblock", async () => {
    const f = await seed();
    const { out, error } = await run(() => extensionUnblock({}, [f.account, "1001"], sync));
    expect(error).toBeNull();
    expect(out).toEqual([
      `lifted the block of extension 1001 (account code ${f.account}, blocked 2026-05-01 09:00:00 UTC for calling 0088213000001)`,
      "sent to 1 node(s) now; 1 not reachable get it with their next poll",
    ]);
    const stored = await getDb().extensionBlock.findUniqueOrThrow({ where: { id: f.open.id } });
    expect(stored.liftedBy).toMatch(/^cli:/);
    expect(await getDb().auditLog.findFirstOrThrow({ where: { objectId: f.open.id } })).toMatchObject({ action: "extension-block.lift", actorType: "CLI" });

    const again = await run(() => extensionUnblock({ json: true }, [f.account, "1001"], sync));
    expect(isAppError(again.error) && again.error.code).toBe("NOT_FOUND");
    expect(String(again.error)).toMatch(/is not blocked/);
  });

  it("refuses bad arguments with a usage error (exit 2) before touching the database", async () => {
    for (const positionals of [[], ["acct"], ["acct", "1001", "extra"], ["bad code", "1001"], ["acct", "10 01"], ["acct", "x".repeat(41)], ["a\u0000", "1001"]]) {
      const { error } = await run(() => extensionUnblock({}, positionals, sync));
      expect(error, JSON.stringify(positionals)).toBeInstanceOf(UsageError);
    }
    expect(String((await run(() => extensionUnblock({}, ["bad code", "1001"], sync))).error)).toMatch(/Account code: 1 to 40 letters/);
    for (const values of [{ limit: "0" }, { cursor: "not-a-cursor" }]) {
      const { error } = await run(() => extensionBlocks(values));
      expect(error instanceof UsageError || isAppError(error), JSON.stringify(values)).toBe(true);
    }
  });
});
