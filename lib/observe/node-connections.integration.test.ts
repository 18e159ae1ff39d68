import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

import { sealNodeKey } from "@/lib/crypto/node-keys";
import { getDb } from "@/lib/db/client";
import { ScriptedNode } from "@/lib/deploy/testing/scripted-node";
import { generateClientKey } from "@/lib/ssh/keys";

import { closeAllNodeConnections, MAX_CONNECTION_AGE_MS, setNodeTransport, withNodeConnection } from "./node-connections";

// The collector's connection pool over a scripted node: connections are reused, replaced once they are
// MAX_CONNECTION_AGE_MS old (the host key is checked again then), and a changed host key found on that
// reconnect raises the alert and stops every further use.

vi.stubEnv("RAMPART_SECRET_KEY", `node-connections-it-${randomBytes(24).toString("hex")}`);
const created: string[] = [];

async function addNode(): Promise<string> {
  const node = await getDb().node.create({
    data: {
      name: `pool-${randomUUID().slice(0, 8)}`,
      host: "192.0.2.44",
      port: 22,
      sshUser: "root",
      hostKeyFingerprint: "SHA256:pinned",
      encryptedPrivateKey: new Uint8Array(sealNodeKey(generateClientKey("pool-it").privateKey)),
    },
  });
  created.push(node.id);
  return node.id;
}

afterEach(() => {
  vi.useRealTimers();
  setNodeTransport(null);
});

afterAll(async () => {
  closeAllNodeConnections();
  await getDb().node.deleteMany({ where: { id: { in: created } } });
});

describe("the collector's connection pool", () => {
  it("reuses a connection, replaces it when it is too old, and stops at a host key that changed meanwhile", async () => {
    const nodeId = await addNode();
    const node = new ScriptedNode();
    setNodeTransport(node.transport);
    const poll = () => withNodeConnection(nodeId, async ({ session }) => (await session.run("status")).code);

    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-03T12:00:00Z") });
    expect(await poll()).toBe(0);
    expect(await poll()).toBe(0);
    expect(node.calls.filter((c) => c.startsWith("open"))).toEqual(["open"]);

    vi.setSystemTime(new Date(Date.now() + MAX_CONNECTION_AGE_MS + 1_000));
    expect(await poll()).toBe(0);
    expect(node.calls.filter((c) => c.startsWith("open"))).toEqual(["open", "open"]);

    // The node's key changes: the next reconnect finds it, raises the alert and nothing runs any more.
    node.opens = ["hostkey"];
    vi.setSystemTime(new Date(Date.now() + MAX_CONNECTION_AGE_MS + 1_000));
    await expect(poll()).rejects.toThrow(/host key changed/);
    const row = await getDb().node.findUniqueOrThrow({ where: { id: nodeId }, select: { hostKeyMismatchFingerprint: true } });
    expect(row.hostKeyMismatchFingerprint).toBe("SHA256:other");
    const before = node.calls.length;
    await expect(poll()).rejects.toThrow(/presented a different host key \(SHA256:other\); review and re-pin it/);
    expect(node.calls.length).toBe(before);
  });
});
