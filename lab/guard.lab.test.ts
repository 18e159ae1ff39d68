/**
 * The call guard on real calls: two lab nodes with Rampart's guard pushed from the panel's database (tenants with
 * account codes, limits, a route with its rates), the phones' Asterisk placing real calls with digest auth through
 * each node's real Asterisk 22 to the carrier, and the collector storing the CDRs and sending each node the
 * cluster's spend and blocks. Root only; skipped otherwise (RAMPART_REQUIRE_ALL=1 makes that a failure), and
 * skipped while another lab is up.
 *
 * Prices: route "00" (maximum 1.00/min) with 0044 at 0.60/min billed 60/60, 0033 at 0.60/min billed 1/1 (0.01 a
 * second) and 00881 at 2.00/min. Limits: extensions acme/1001 1.20 and acme/1002 0.05 a day; tenant globex 1.20 a
 * day; abuse: more than 2 calls to one international number within 300 s blocks. Offline: decide from the last
 * pushed limits and the node's own spend.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { isEverySuiteRequired, missingPrerequisites, run } from "@/test/rules/netns";
import { pushTo, render } from "@/bench/push";

import { asteriskRx } from "./asterisk";
import { downLab, LAB_TOOLS, nodeAsterisk, upLab, type LabDescription } from "./cluster";
import { sleep } from "./exec";
import { callFromLabPhone, labCdrLines } from "./phones";
import { readState } from "./state";
import { registerLabNodes, useLabDatabase } from "./testing";
import { LAB_BRIDGE, PHONES_ADDRESS } from "./topology";

const missing = missingPrerequisites(LAB_TOOLS);
const isLabBusy = run("ip", ["link", "show", LAB_BRIDGE]).status === 0;
const shouldSkip = (missing.length > 0 || isLabBusy) && !isEverySuiteRequired();

const STALE_AFTER_SECONDS = 30;

if (!shouldSkip) describe("call guard on lab nodes", () => {
  const dir = mkdtempSync(join(tmpdir(), "rampart-guard-lab-"));
  let lab: LabDescription;
  let dropDatabase: () => Promise<void> = async () => {};
  let m: {
    batch: typeof import("@/lib/deploy/batch");
    collector: typeof import("@/lib/observe/collector");
    connections: typeof import("@/lib/observe/node-connections");
    db: typeof import("@/lib/db/client");
    calls: typeof import("@/lib/db/queries/call-records");
    callSchema: typeof import("@/lib/validation/call-records");
    lift: typeof import("@/lib/observe/lift-extension-block");
    snapshot: typeof import("@/lib/db/queries/policy-snapshot");
    entries: typeof import("@/lib/db/queries/address-entries");
    entrySchema: typeof import("@/lib/validation/address-entry");
  };
  const caller = { role: "ADMIN" as const, tenantId: null, actor: { type: "CLI" as const, id: null, label: "guard-lab-test" } };
  const nodeIds = new Map<string, string>();

  async function push() {
    const { done } = await m.batch.startPush(caller, { target: { kind: "all" }, timerSeconds: 30 });
    const summary = await done;
    expect(Object.values(summary.states).every((s) => s === "CONFIRMED"), JSON.stringify(summary.states)).toBe(true);
  }
  const collect = async (...names: string[]) => {
    for (const name of names) await m.collector.collectNode(nodeIds.get(name)!);
  };
  /** The newest call records of a node, as the Calls page lists them. */
  const history = async (node: string, accountCode: string) =>
    (await m.calls.listCallRecords(caller, m.callSchema.callRecordListSchema.parse({ nodeId: nodeIds.get(node)!, accountCode }))).items;
  /** One call placed from the phones (the phone would stay SECONDS after the answer); wall seconds it lasted. */
  const call = async (node: string, extension: string, dialled: string, seconds = 3) => {
    const started = Date.now();
    await callFromLabPhone(node, extension, dialled, seconds, dir);
    return (Date.now() - started) / 1000;
  };
  /** The node's last CDR lines, for a failure message. */
  const cdrs = (node: string) => labCdrLines(node, dir).slice(-6).join("\n");
  const guardMarker = async (node: string) => {
    const n = readState(dir)!.nodes.find((x) => x.name === node)!;
    return /NoOp\(rampart-guard ([0-9a-f]{16})\)/.exec(await asteriskRx(nodeAsterisk(n.namespace, n.dir), "dialplan show s@rampart-guard"))?.[1] ?? null;
  };

  beforeAll(async () => {
    lab = await upLab(2, dir);
    const database = await useLabDatabase(lab, dir, "rampart_guard_lab");
    dropDatabase = database.drop;
    m = {
      batch: await import("@/lib/deploy/batch"),
      collector: await import("@/lib/observe/collector"),
      connections: await import("@/lib/observe/node-connections"),
      db: await import("@/lib/db/client"),
      calls: await import("@/lib/db/queries/call-records"),
      callSchema: await import("@/lib/validation/call-records"),
      lift: await import("@/lib/observe/lift-extension-block"),
      snapshot: await import("@/lib/db/queries/policy-snapshot"),
      entries: await import("@/lib/db/queries/address-entries"),
      entrySchema: await import("@/lib/validation/address-entry"),
    };
    for (const [name, id] of await registerLabNodes(lab)) nodeIds.set(name, id);
    const db = m.db.getDb();
    await m.entries.createAddressEntry(caller, { kind: "management" }, m.entrySchema.entryCreateSchema.parse({ network: lab.panelAddress, comment: "panel" }));
    // The phones are the office: whitelisted, so the dozens of calls here are not taken for an INVITE flood.
    await m.entries.createAddressEntry(caller, { kind: "whitelist" }, m.entrySchema.entryCreateSchema.parse({ network: PHONES_ADDRESS, comment: "office phones" }));
    const acme = await db.tenant.create({ data: { name: "Acme", accountCode: "acme" } });
    const globex = await db.tenant.create({ data: { name: "Globex", accountCode: "globex" } });
    await db.extensionCallLimit.create({ data: { tenantId: acme.id, extension: "1001", dailyLimit: "1.2", currency: "EUR" } });
    await db.extensionCallLimit.create({ data: { tenantId: acme.id, extension: "1002", dailyLimit: "0.05", currency: "EUR" } });
    await db.tenantCallLimit.create({ data: { tenantId: globex.id, dailyLimit: "1.2", currency: "EUR" } });
    await db.routeCostLimit.create({
      data: {
        name: "International",
        prefix: "00",
        maxCostPerMinute: "1",
        currency: "EUR",
        rates: {
          create: [
            { prefix: "0044", description: "United Kingdom", costPerMinute: "0.6", firstIncrement: 60, nextIncrement: 60, connectionFee: "0" },
            { prefix: "0033", description: "France", costPerMinute: "0.6", firstIncrement: 1, nextIncrement: 1, connectionFee: "0" },
            { prefix: "00881", description: "Satellite", costPerMinute: "2", firstIncrement: 1, nextIncrement: 1, connectionFee: "0" },
          ],
        },
      },
    });
    await db.abuseDetectionSettings.update({ where: { id: 1 }, data: { enabled: true, maxCallsSameNumber: 2, windowSeconds: 300 } });
    await db.callGuardSettings.update({ where: { id: 1 }, data: { enabled: true, offlineMode: "ALLOW_CAPPED", staleAfterSeconds: STALE_AFTER_SECONDS } });
    await push();
    await collect("node1", "node2");
  });

  afterAll(async () => {
    m?.connections.closeAllNodeConnections();
    await m?.db.disconnectDb();
    await downLab(dir);
    await dropDatabase();
  });

  it("lets an extension with a daily limit call a priced destination until the limit, then refuses with the reason in the call history", async () => {
    // 1.20 a day at 0.60 a started minute: two calls, then none.
    for (const n of [1, 2, 3]) await call("node1", "1001", `00044207946100${n}`, 3);
    await collect("node1");
    const records = (await history("node1", "acme")).filter((r) => r.guardExtension === "1001");
    expect(records.map((r) => [r.guardOutcome, r.guardReason]), cdrs("node1")).toEqual([
      ["REFUSE", "extension-daily"],
      ["ALLOW", null],
      ["ALLOW", null],
    ]);
    expect(records[0]).toMatchObject({ destination: "000442079461003", disposition: "NO_ANSWER", billSeconds: 0, cost: null });
    // The first call could have lasted 2 minutes (120 s cap), the second 1; each cost one started minute, exactly.
    expect(records[2]!.userField).toBe("rampart-guard allow acme 1001 00442079461001 EUR 0.6 0 60 60 120 1.20");
    expect(records[1]!.userField).toBe("rampart-guard allow acme 1001 00442079461002 EUR 0.6 0 60 60 60 0.60");
    expect(records.slice(1).map((r) => String(r.cost))).toEqual(["0.6", "0.6"]);
  });

  it("holds a tenant's daily limit across two nodes: node2 allows only what node1's calls left, then refuses", async () => {
    await call("node1", "2001", "000442079462001", 3);
    // node1's CDR reaches the panel, and the panel's sum reaches node2 with node2's next poll.
    await collect("node1", "node2");
    await call("node2", "2002", "000442079462002", 3);
    await call("node2", "2002", "000442079462003", 3);
    await collect("node2");
    const onNode2 = await history("node2", "globex");
    // Alone, node2 would have allowed 120 s and then a second call.
    expect(onNode2.map((r) => [r.guardOutcome, r.guardReason]), cdrs("node2")).toEqual([
      ["REFUSE", "tenant-daily"],
      ["ALLOW", null],
    ]);
    expect(onNode2[1]!.userField).toBe("rampart-guard allow globex 2002 00442079462002 EUR 0.6 0 60 60 60 0.60");
  });

  it("refuses a destination whose rate is above the route's cost limit", async () => {
    await call("node1", "1002", "00088161234567");
    await collect("node1");
    expect((await history("node1", "acme"))[0], cdrs("node1")).toMatchObject({ guardOutcome: "REFUSE", guardReason: "route-cost", destination: "00088161234567" });
  });

  it("blocks an extension at the third call to one international number within 300 s on every node, until the block is lifted", async () => {
    for (let i = 0; i < 3; i++) await call("node1", "1002", "00033123456789", 1);
    await collect("node1");
    expect((await history("node1", "acme"))[0], cdrs("node1")).toMatchObject({ guardOutcome: "BLOCK", guardReason: "abuse" });
    const blocks = await m.db.getDb().extensionBlock.findMany({ where: { liftedAt: null } });
    expect(blocks).toMatchObject([{ accountCode: "acme", extension: "1002", number: "0033123456789", nodeId: nodeIds.get("node1") }]);
    // Refused for any number on node1, and on node2 once it has the cluster's blocks.
    await collect("node2");
    await call("node1", "1002", "00033123456780", 1);
    await call("node2", "1002", "00033123456781", 1);
    await collect("node1", "node2");
    expect((await history("node1", "acme"))[0], cdrs("node1")).toMatchObject({ guardOutcome: "REFUSE", guardReason: "blocked" });
    expect((await history("node2", "acme"))[0], cdrs("node2")).toMatchObject({ guardOutcome: "REFUSE", guardReason: "blocked" });
    // Lifted (the service behind the page's button): every node has it in one round trip.
    const lifted = await m.lift.liftBlockOnCluster(caller, { accountCode: "acme", extension: "1002" });
    expect(lifted.nodes).toEqual({ updated: 2, pending: 0 });
    await call("node1", "1002", "00033123456782", 1);
    await call("node2", "1002", "00033123456783", 1);
    await collect("node1", "node2");
    expect((await history("node1", "acme"))[0]!.guardOutcome, cdrs("node1")).toBe("ALLOW");
    expect((await history("node2", "acme"))[0]!.guardOutcome, cdrs("node2")).toBe("ALLOW");
  });

  it("cuts a call in progress at its duration cap, on the channel, whatever the phone does", async () => {
    // acme/1002 has 0.05 a day at 0.01 a second (0033, billed 1/1), less what the abuse test's calls cost.
    const wall = await call("node1", "1002", "00033123456784", 30);
    await collect("node1");
    const record = (await history("node1", "acme"))[0]!;
    expect(record.guardOutcome, cdrs("node1")).toBe("ALLOW");
    const cap = Number(record.userField.split(" ")[10]);
    expect(cap).toBeGreaterThan(0);
    expect(cap).toBeLessThanOrEqual(5);
    // Asterisk hung the call up at the cap (counted from the decision, so ringing counts too): the phone wanted 30 s.
    expect(record.durationSeconds).toBeLessThanOrEqual(cap);
    expect(record.billSeconds).toBeLessThan(cap);
    expect(wall).toBeLessThan(cap + 4);
  });

  it("keeps enforcing the last pushed limits with the panel gone: the node decides from its own spend", async () => {
    // No poll for longer than the guard waits: the node counts the panel as unreachable.
    await sleep((STALE_AFTER_SECONDS + 2) * 1000);
    await call("node1", "1001", "000442079461009", 3);
    await call("node2", "2002", "000442079462009", 3);
    await collect("node1", "node2");
    expect((await history("node1", "acme"))[0], cdrs("node1")).toMatchObject({ guardOutcome: "REFUSE", guardReason: "extension-daily" });
    expect((await history("node2", "globex"))[0], cdrs("node2")).toMatchObject({ guardOutcome: "REFUSE", guardReason: "tenant-daily" });
  });

  it("rolls back a guard Asterisk does not load, and the previous guard keeps enforcing", async () => {
    const node = lab.nodes[0]!;
    const before = await guardMarker("node1");
    expect(before).not.toBeNull();
    const rendered = render(await m.snapshot.loadPolicySnapshot(), lab.panelAddress);
    // A dialplan whose context header Asterisk cannot parse: the file validates (it names its version), but
    // after the reload Asterisk has no [rampart-guard] of this version.
    const broken = { ...rendered, files: { ...rendered.files, "guard/extensions_rampart.conf": rendered.files["guard/extensions_rampart.conf"]!.replace("[rampart-guard]\n", "[rampart-guard\n") } };
    const failure = await pushTo(node, broken).then(
      () => "confirmed",
      (error: unknown) => String(error),
    );
    expect(failure).toMatch(/FAILED/);
    expect(failure).toMatch(/Asterisk did not load call guard/);
    expect(await guardMarker("node1")).toBe(before);
    await call("node1", "1001", "000442079461011", 3);
    await collect("node1");
    expect((await history("node1", "acme"))[0]).toMatchObject({ guardOutcome: "REFUSE", guardReason: "extension-daily" });
  });
});
