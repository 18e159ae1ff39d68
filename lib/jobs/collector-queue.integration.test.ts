import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { startCollectorWorker } from "./collector-queue";

afterAll(async () => {
  await disconnectDb();
});

describe("collector worker on pg-boss", () => {
  it("polls every collectable node through the queue, and records a node it cannot reach as unreachable", async () => {
    // No lab here: a node whose key cannot be opened stands for one that cannot be reached.
    const node = await getDb().node.create({
      data: { name: `it-queue-${randomUUID()}`, host: "127.0.0.1", port: 1, sshUser: "root", hostKeyFingerprint: "SHA256:none", encryptedPrivateKey: new Uint8Array([1, 2, 3]) },
    });
    const lines: string[] = [];
    const worker = await startCollectorWorker({ intervalSeconds: 15, log: (line) => lines.push(line) });
    try {
      const deadline = Date.now() + 20_000;
      let snapshot = null;
      while (snapshot === null && Date.now() < deadline) {
        snapshot = await getDb().nodeSnapshot.findFirst({ where: { nodeId: node.id } });
        if (snapshot === null) await new Promise((r) => setTimeout(r, 250));
      }
      expect(snapshot).toMatchObject({ isReachable: false });
      expect(snapshot!.error).toBeTruthy();
      expect(lines.some((l) => /collector running: every 15 s/.test(l))).toBe(true);
    } finally {
      await worker.stop();
      await getDb().node.update({ where: { id: node.id }, data: { enabled: false } });
    }
  }, 40_000);
});
