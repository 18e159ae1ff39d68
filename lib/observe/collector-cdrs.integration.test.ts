import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

import type { Caller } from "@/lib/auth/caller";
import { sealNodeKey } from "@/lib/crypto/node-keys";
import { getDb } from "@/lib/db/client";
import { listCallRecords } from "@/lib/db/queries/call-records";
import { ScriptedNode } from "@/lib/deploy/testing/scripted-node";
import { generateClientKey } from "@/lib/ssh/keys";
import { callRecordListSchema } from "@/lib/validation/call-records";

import { collectNode } from "./collector";
import { closeAllNodeConnections, setNodeTransport } from "./node-connections";

// A collector round over a scripted node against the real database: the call records of the observe output's
// @cdrs section are stored, refused lines are counted, and reading the same lines again stores nothing twice —
// while a second record of the same call (another dial attempt, same uniqueid) is a record of its own.

vi.stubEnv("RAMPART_SECRET_KEY", `collector-cdrs-it-${randomBytes(24).toString("hex")}`);
const created: string[] = [];
const admin: Caller = { role: "ADMIN", tenantId: null, actor: { type: "USER", id: randomUUID(), label: "cdrs-it@example.test" } };
const tenantAdmin: Caller = { role: "TENANT_ADMIN", tenantId: randomUUID(), actor: { type: "USER", id: randomUUID(), label: "cdrs-it-tenant@example.test" } };

// Each run gets its own account code and unique ids, so the suite never needs a reset.
const run = randomUUID().slice(0, 8);
const account = `acme-${run}`;
const answered = `"${account}","1001","00441234567","tenant-acme","""1001"" <1001>","PJSIP/1001-00000000","PJSIP/carrier-00000001","Dial","PJSIP/0441234567@carrier,60","2026-12-04 01:30:03","2026-12-04 01:30:03","2026-12-04 01:30:07",4,4,"ANSWERED","DOCUMENTATION","node1-${run}.0",""`;
const unanswered = `"${account}","1002","1003","tenant-acme","""Bob"" <1002>","PJSIP/1002-00000002","PJSIP/1003-00000003","Dial","PJSIP/1003,30","2026-12-04 01:31:00","","2026-12-04 01:31:20",20,0,"NO ANSWER","DOCUMENTATION","node1-${run}.2",""`;
// The first trunk failed, the same call went on through a second one: same uniqueid, another record.
const failedOver = `"${account}","1001","00441234567","tenant-acme","""1001"" <1001>","PJSIP/1001-00000000","PJSIP/carrier2-00000004","Dial","PJSIP/0441234567@carrier2,60","2026-12-04 01:30:03","2026-12-04 01:30:05","2026-12-04 01:30:07",4,2,"ANSWERED","DOCUMENTATION","node1-${run}.0",""`;

/** The CDR acknowledgements the collector uploaded (the connection also uploads the agent itself). */
const acks = (node: ScriptedNode) => node.uploaded.filter((u) => u.path.endsWith("/cdrs.ack"));

function observeOutput(cdrLines: string[], offset = 0): string {
  const next = offset + cdrLines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  return ["@time 1796347900", "@tz +0000", "@version ", "@digest ", "@fail2ban-down", `@cdrs ${offset} ${next} 9999`, ...cdrLines, "@end", ""].join("\n");
}

async function addNode(): Promise<string> {
  const node = await getDb().node.create({
    data: {
      name: `cdrs-${randomUUID().slice(0, 8)}`,
      host: "192.0.2.61",
      port: 22,
      sshUser: "root",
      hostKeyFingerprint: "SHA256:pinned",
      encryptedPrivateKey: new Uint8Array(sealNodeKey(generateClientKey("cdrs-it").privateKey)),
    },
  });
  created.push(node.id);
  return node.id;
}

afterEach(() => {
  setNodeTransport(null);
});

afterAll(async () => {
  closeAllNodeConnections();
  await getDb().node.deleteMany({ where: { id: { in: created } } });
});

describe("collector: call records", () => {
  it("never acknowledges records it could not store, so the node sends them again", async () => {
    const nodeId = await addNode();
    const node = new ScriptedNode();
    // An account code of its own, so the listing test below sees only its records.
    node.observeOutputs = [observeOutput([answered.replace(`"${account}"`, `"${account}-retry"`)])];
    setNodeTransport(node.transport);
    // The database fails at the CDR insert only (the snapshot before it is stored as usual).
    const client = getDb();
    const original = client.$executeRaw.bind(client);
    let failed = 0;
    const store = vi.spyOn(client, "$executeRaw").mockImplementation(((query: TemplateStringsArray, ...values: unknown[]) => {
      if (query.join("").includes("INSERT INTO call_records") && failed++ === 0) return Promise.reject(new Error("the database is gone"));
      return original(query, ...values);
    }) as typeof client.$executeRaw);
    try {
      await expect(collectNode(nodeId)).rejects.toThrow(/the database is gone/);
    } finally {
      store.mockRestore();
    }
    expect(failed).toBe(1);
    expect(acks(node)).toEqual([]);
    // The next poll reads the same lines (not acknowledged): stored now, and acknowledged.
    expect((await collectNode(nodeId)).callRecords).toMatchObject({ received: 1, inserted: 1, acknowledged: true });
    expect(acks(node).map((u) => u.path)).toEqual(["/var/lib/rampart/cdrs.ack"]);
  });

  it("stores the CDRs of every round once, counts the refused lines, and lists them newest first by account", async () => {
    const nodeId = await addNode();
    const node = new ScriptedNode();
    node.observeOutputs = [
      observeOutput([answered, unanswered, '"cut","line']),
      // The agent sent the same lines again (its offset file was lost) and one new record.
      observeOutput([answered, unanswered, failedOver]),
    ];
    setNodeTransport(node.transport);

    const first = await collectNode(nodeId);
    expect(first).toMatchObject({ isReachable: true, callRecords: { received: 2, inserted: 2, rejected: 1, acknowledged: true } });
    // Stored, then acknowledged with the section's <next>: the node reads on from there.
    const firstNext = [answered, unanswered, '"cut","line'].reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    expect(acks(node)).toEqual([{ path: "/var/lib/rampart/cdrs.ack", text: `${firstNext}\n` }]);
    const snapshot = await getDb().nodeSnapshot.findFirstOrThrow({ where: { nodeId }, orderBy: { takenAt: "desc" } });
    expect(snapshot.data).toMatchObject({ callRecords: 2, rejectedLines: { cdrs: 1 } });

    const second = await collectNode(nodeId);
    expect(second.callRecords).toEqual({ received: 3, inserted: 1, rejected: 0, acknowledged: true });

    const rows = await getDb().callRecord.findMany({ where: { nodeId }, orderBy: [{ startedAt: "asc" }, { dstChannel: "asc" }] });
    expect(rows.map((r) => [r.uniqueId, r.dstChannel, r.disposition, r.billSeconds, r.answeredAt?.toISOString() ?? null])).toEqual([
      [`node1-${run}.0`, "PJSIP/carrier-00000001", "ANSWERED", 4, "2026-12-04T01:30:03.000Z"],
      [`node1-${run}.0`, "PJSIP/carrier2-00000004", "ANSWERED", 2, "2026-12-04T01:30:05.000Z"],
      [`node1-${run}.2`, "PJSIP/1003-00000003", "NO_ANSWER", 0, null],
    ]);
    expect(rows[0]).toMatchObject({ accountCode: account, source: "1001", destination: "00441234567", context: "tenant-acme", callerId: '"1001" <1001>', lastApp: "Dial", durationSeconds: 4 });
    expect(rows[0]!.startedAt.toISOString()).toBe("2026-12-04T01:30:03.000Z");

    // Pages of two, newest first, on the account code; the cursor leads to the rest.
    const query = (cursor?: string) => callRecordListSchema.parse({ accountCode: account, limit: "2", cursor });
    const page1 = await listCallRecords(admin, query());
    expect(page1.items.map((r) => r.uniqueId)).toEqual([`node1-${run}.2`, `node1-${run}.0`]);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await listCallRecords(admin, query(page1.nextCursor!));
    expect(page2.items.map((r) => r.uniqueId)).toEqual([`node1-${run}.0`]);
    expect(page2.nextCursor).toBeNull();
    expect(new Set([...page1.items, ...page2.items].map((r) => r.id)).size).toBe(3);
    expect((await listCallRecords(admin, callRecordListSchema.parse({ nodeId, limit: "10" }))).items).toHaveLength(3);

    // A tenant administrator reads only the account code of the tenant (this one's tenant has none): nothing.
    expect(await listCallRecords(tenantAdmin, query())).toEqual({ items: [], nextCursor: null });
    await expect(listCallRecords(admin, query("not-a-cursor"))).rejects.toMatchObject({ code: "VALIDATION" });

    // Nothing new (the section is empty): nothing to acknowledge.
    node.observeOutputs = [observeOutput([], 500)];
    node.uploaded = [];
    expect((await collectNode(nodeId)).callRecords).toMatchObject({ received: 0, acknowledged: false });
    expect(acks(node)).toEqual([]);

    // Deleting the node deletes its records.
    await getDb().node.delete({ where: { id: nodeId } });
    expect(await getDb().callRecord.count({ where: { accountCode: account } })).toBe(0);
  });
});
