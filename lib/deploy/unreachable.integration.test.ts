import { randomBytes, randomUUID } from "node:crypto";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { Caller } from "@/lib/auth/caller";
import { sealNodeKey } from "@/lib/crypto/node-keys";
import { getDb } from "@/lib/db/client";
import { collectNode } from "@/lib/observe/collector";
import { closeAllNodeConnections } from "@/lib/observe/node-connections";
import type { Manifest } from "@/lib/rules/render-manifest";
import { generateClientKey } from "@/lib/ssh/keys";

import { testNodeConnection } from "./node-check";
import { pushVersionToNode, type PushUpdate } from "./node-push";

// The three places that report an unreachable node, against the real database and real sockets on 127.0.0.1:
// a closed TCP port (reset), a listener that accepts and never sends an SSH greeting, and a UDP socket that
// answers SIP OPTIONS with 200 (the configured SIP port). What is asserted is what the operator reads.

vi.stubEnv("RAMPART_SECRET_KEY", `unreachable-integration-${randomBytes(24).toString("hex")}`);

const operator: Caller = { role: "OPERATOR", tenantId: null, actor: { type: "USER", id: randomUUID(), label: `unreachable-it-${randomUUID()}@example.test`, ip: "192.0.2.7" } };
const FINGERPRINT = `SHA256:${"A".repeat(43)}`;
const host = "127.0.0.1";

let silentTcp: Server;
let silentPort = 0;
const held: Socket[] = [];
let closedPort = 0;
let sip: UdpSocket;
let sipPort = 0;
let sipRequests = 0;
let originalSipPorts: number[] = [];
const created: string[] = [];

async function addNode(port: number, panelAddress: string | null): Promise<string> {
  const node = await getDb().node.create({
    data: {
      name: `unreachable-${randomUUID().slice(0, 8)}`,
      host,
      port,
      sshUser: "rampart",
      hostKeyFingerprint: FINGERPRINT,
      encryptedPrivateKey: new Uint8Array(sealNodeKey(generateClientKey("unreachable-it").privateKey)),
      panelAddress,
    },
  });
  created.push(node.id);
  return node.id;
}

beforeAll(async () => {
  silentTcp = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silentTcp.listen(0, host, resolve));
  silentPort = (silentTcp.address() as { port: number }).port;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, host, resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  sip = createSocket("udp4");
  sip.on("message", (message, from) => {
    sipRequests += 1;
    const echoed = message
      .toString("utf8")
      .split("\r\n")
      .filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line));
    sip.send(["SIP/2.0 200 OK", ...echoed, "Content-Length: 0", "", ""].join("\r\n"), from.port, from.address);
  });
  await new Promise<void>((resolve) => sip.bind(0, host, resolve));
  sipPort = sip.address().port;

  const rate = await getDb().rateLimitSettings.findUniqueOrThrow({ where: { id: 1 } });
  originalSipPorts = rate.sipPorts;
  await getDb().rateLimitSettings.update({ where: { id: 1 }, data: { sipPorts: [sipPort] } });
}, 60_000);

afterAll(async () => {
  closeAllNodeConnections();
  await getDb().rateLimitSettings.update({ where: { id: 1 }, data: { sipPorts: originalSipPorts } });
  await getDb().nodeSnapshot.deleteMany({ where: { nodeId: { in: created } } });
  await getDb().node.deleteMany({ where: { id: { in: created } } });
  for (const socket of held) socket.destroy();
  await new Promise<void>((resolve) => silentTcp.close(() => resolve()));
  await new Promise<void>((resolve) => sip.close(resolve));
});

describe("an unreachable node, explained", () => {
  it("the connection test reads a reset as no sshd or a REJECT rule, and asks no SIP", async () => {
    const before = sipRequests;
    const result = await testNodeConnection(operator, await addNode(closedPort, null));
    expect(result).toMatchObject({ ok: false, stage: "connect" });
    expect(result.message).toBe(
      `Cannot reach ${host}:${closedPort}: ECONNREFUSED. ${host} answered with a TCP reset: sshd is not listening on port ${closedPort}, or a REJECT rule refuses the panel.`,
    );
    expect(sipRequests).toBe(before);
  });

  it("the connection test, SSH silent and the configured SIP port answering: answers SIP but not SSH", async () => {
    const before = sipRequests;
    const result = await testNodeConnection(operator, await addNode(silentPort, "198.51.100.20"));
    expect(result).toMatchObject({ ok: false, stage: "handshake" });
    expect(result.message).toContain("The node answers SIP but not SSH from the panel");
    expect(result.message).toContain(`port ${silentPort} accepts the connection and sends no SSH greeting`);
    expect(sipRequests).toBe(before + 1);
  });

  it("the collector's unreachable snapshot says the same, and a second poll reuses the SIP answer", async () => {
    const nodeId = await addNode(silentPort, null);
    const before = sipRequests;
    const first = await collectNode(nodeId);
    expect(first.isReachable).toBe(false);
    expect(first.error).toContain("The node answers SIP but not SSH from the panel");
    const snapshot = await getDb().nodeSnapshot.findFirstOrThrow({ where: { nodeId }, orderBy: { takenAt: "desc" } });
    expect(snapshot).toMatchObject({ isReachable: false, error: first.error });
    const second = await collectNode(nodeId);
    expect(second.error).toBe(first.error);
    expect(sipRequests).toBe(before + 1);
  });

  it("the collector keeps the message of a failure that is not a connect failure", async () => {
    // A key that cannot be opened fails before any connection: nothing to diagnose, nothing probed.
    const node = await getDb().node.create({
      data: { name: `unreachable-${randomUUID().slice(0, 8)}`, host, port: silentPort, sshUser: "rampart", hostKeyFingerprint: FINGERPRINT, encryptedPrivateKey: new Uint8Array([1, 2, 3]) },
    });
    created.push(node.id);
    const before = sipRequests;
    const result = await collectNode(node.id);
    expect(result.isReachable).toBe(false);
    expect(result.error).not.toContain("SIP");
    expect(sipRequests).toBe(before);
  });

  it("the push's UNREACHABLE message carries the diagnosis and says nothing was changed", async () => {
    const updates: PushUpdate[] = [];
    const outcome = await pushVersionToNode({
      target: { host, port: closedPort, user: "rampart", privateKey: generateClientKey("unreachable-it").privateKey, hostKeyFingerprint: FINGERPRINT },
      // Never read: the connection fails first.
      version: { hash: "0".repeat(64), files: {}, manifest: {} as Manifest },
      deploymentId: randomUUID(),
      timerSeconds: 60,
      agent: { script: "", hash: "" },
      report: (update) => void updates.push(update),
      deadlines: { connectMs: 2_000, handshakeMs: 2_000 },
    });
    expect(outcome.state).toBe("UNREACHABLE");
    expect(outcome.message).toBe(
      `Cannot reach ${host}:${closedPort}: ECONNREFUSED. ${host} answered with a TCP reset: sshd is not listening on port ${closedPort}, or a REJECT rule refuses the panel. Nothing was changed on the node.`,
    );
    expect(updates.at(-1)?.message).toBe(outcome.message);
  });
});
