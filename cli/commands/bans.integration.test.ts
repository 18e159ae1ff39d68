import { randomInt, randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

import { disconnectDb, getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { setNodeUnbanner, type NodeUnbanner, type NodeUnbanOutcome } from "@/lib/observe/unban";
import { UsageError } from "../context";
import { unban } from "./bans";

// `rampart unban` against the real database with a fake node transport: the node's answer decides the output
// and the exit status (a plain Error is exit 1 in cli/rampart.ts; UsageError and AppError are 2).

afterAll(async () => {
  await disconnectDb();
});
afterEach(() => {
  setNodeUnbanner(null);
  vi.restoreAllMocks();
});

const address = () => `2001:db8:${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}::1`;

async function newNode(prefix: string): Promise<string> {
  const node = await getDb().node.create({ data: { name: `${prefix}-${randomUUID()}`, host: "198.18.0.1", sshUser: "root" }, select: { name: true } });
  return node.name;
}

/** Every line answers `state` for the jail named, not-banned for the others. */
function answering(jail: string, state: NodeUnbanOutcome["state"]): NodeUnbanner {
  return async (job) => job.jails.flatMap((j) => job.addresses.map((a): NodeUnbanOutcome => ({ address: a, jail: j, state: j === jail ? state : "not-banned" })));
}

async function runUnban(values: Parameters<typeof unban>[0], positionals: string[], unbanner: NodeUnbanner): Promise<{ lines: string[]; error: unknown }> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    await unban(values, positionals, unbanner);
    return { lines, error: null };
  } catch (error) {
    return { lines, error };
  }
}

/** What cli/rampart.ts main() makes of the outcome. */
function exitCode(error: unknown): number {
  if (error === null) return 0;
  return error instanceof UsageError || isAppError(error) ? 2 : 1;
}

describe("rampart unban", () => {
  it("unbans a ban the collector never recorded and exits 0", async () => {
    const node = await newNode("it-cli-unban");
    const ip = address();
    const { lines, error } = await runUnban({ node }, [ip], answering("rampart-asterisk", "unbanned"));
    expect(exitCode(error)).toBe(0);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${ip} on ${node}: unbanned \\(Unbanned from rampart-asterisk`))]);
  });

  it("says per node that the address was not banned, and exits 0", async () => {
    const node = await newNode("it-cli-unban-none");
    const ip = address();
    const { lines, error } = await runUnban({ node }, [ip], answering("rampart-asterisk", "not-banned"));
    expect(exitCode(error)).toBe(0);
    expect(lines).toEqual([`${ip} on ${node}: not banned on this node (Not banned on this node.)`, `${ip}: not banned on any chosen node`]);
  });

  it("exits 1 when the node still holds the ban", async () => {
    const node = await newNode("it-cli-unban-still");
    const ip = address();
    const { lines, error } = await runUnban({ node }, [ip], answering("rampart-recidive", "still-banned"));
    expect(exitCode(error)).toBe(1);
    expect(String(error)).toMatch(/1 node\(s\) still hold the ban/);
    expect(lines).toEqual([expect.stringContaining(`${ip} on ${node}: STILL BANNED`)]);
  });

  it("exits 1 when a chosen node cannot be reached, reporting that node", async () => {
    const node = await newNode("it-cli-unban-down");
    const ip = address();
    const { lines, error } = await runUnban({ node }, [ip], async () => {
      throw new Error("Cannot reach 198.18.0.1:22: connection refused");
    });
    expect(exitCode(error)).toBe(1);
    expect(String(error)).toMatch(/1 node\(s\) could not be reached/);
    expect(lines).toEqual([`${ip} on ${node}: node UNREACHABLE (Cannot reach 198.18.0.1:22: connection refused)`]);
  });

  it("refuses an unknown node name as a usage error", async () => {
    const { error } = await runUnban({ node: `it-cli-missing-${randomUUID()}` }, [address()], answering("rampart-asterisk", "unbanned"));
    expect(exitCode(error)).toBe(2);
  });
});
