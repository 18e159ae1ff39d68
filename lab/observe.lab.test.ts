/**
 * The collector and unban against real nodes: three lab nodes with Rampart's rules pushed (lib/deploy/batch.ts),
 * the sipvicious attacker, and the collector, unbanner and CLI the panel uses, over a migrated PostgreSQL
 * database. Polling runs per node on a short interval here (the job queue does the same in production: one job
 * per node and interval, never two at once for one node). Root only; skipped otherwise (RAMPART_REQUIRE_ALL=1
 * makes that a failure), and skipped while another lab is up.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { isEverySuiteRequired, missingPrerequisites, run, runOk } from "@/test/rules/netns";

import { downLab, killNodeSshd, LAB_TOOLS, nodeExecArgv, startNodeSshd, upLab, type LabDescription } from "./cluster";
import { runAsync, sleep, waitFor } from "./exec";
import { callFromLabPhone, registerLabPhone } from "./phones";
import { probeSipOptions, SIP_ANSWERED } from "./sip-probe";
import { readState } from "./state";
import { registerLabNodes, useLabDatabase } from "./testing";
import { LAB_BRIDGE, planTopology } from "./topology";

const missing = missingPrerequisites(LAB_TOOLS);
const isLabBusy = run("ip", ["link", "show", LAB_BRIDGE]).status === 0;
const shouldSkip = (missing.length > 0 || isLabBusy) && !isEverySuiteRequired();

/** The poll interval of this test (production default 15 s) and the per-node observe deadline under it. */
const INTERVAL_MS = 8_000;
const OBSERVE_DEADLINE_MS = 6_000;


/**
 * Attacker script: COUNT unauthenticated REGISTERs from FLOODER as fast as the socket takes them, then for SECONDS
 * two more per second from it (above the limit's 1/s, so it stays exhausted) and one OPTIONS per second from
 * NORMAL (within it). The traffic goes on while the collector reads, so both sources are fresh in the table.
 */
const REGISTER_FLOOD = `
const dgram = require("node:dgram");
const [host, flooder, normal, countText, secondsText] = process.argv.slice(1);
const sip = (method, from, n) => [method + " sip:" + host + " SIP/2.0", "Via: SIP/2.0/UDP " + from + ";branch=z9hG4bKflood" + n + "x" + Date.now(), "From: <sip:100@" + host + ">;tag=f" + n, "To: <sip:100@" + host + ">", "Call-ID: flood-" + n + "-" + Date.now(), "CSeq: 1 " + method, "Contact: <sip:100@" + from + ">", "Max-Forwards: 70", "Content-Length: 0", "", ""].join("\\r\\n");
const f = dgram.createSocket("udp4");
const q = dgram.createSocket("udp4");
let sent = 0;
const flood = (done) => { if (sent >= Number(countText)) return done(); const n = sent++; f.send(sip("REGISTER", flooder, n), 5060, host, () => flood(done)); };
f.bind(40000 + Math.floor(Math.random() * 20000), flooder, () => q.bind(40000 + Math.floor(Math.random() * 20000), normal, () => flood(() => {
  const slow = setInterval(() => f.send(sip("REGISTER", flooder, sent++), 5060, host), 500);
  const calm = setInterval(() => q.send(sip("OPTIONS", normal, sent++), 5060, host), 1000);
  q.send(sip("OPTIONS", normal, sent++), 5060, host);
  setTimeout(() => { clearInterval(slow); clearInterval(calm); console.log("sent " + sent); process.exit(0); }, Number(secondsText) * 1000);
})));
`;

if (!shouldSkip) describe("collector and unban on lab nodes", () => {
  const dir = mkdtempSync(join(tmpdir(), "rampart-observe-lab-"));
  let lab: LabDescription;
  let databaseUrl = "";
  let dropDatabase: () => Promise<void> = async () => {};
  // Loaded after the environment points at the test database (lib/env reads it once).
  let m: {
    batch: typeof import("@/lib/deploy/batch");
    collector: typeof import("@/lib/observe/collector");
    connections: typeof import("@/lib/observe/node-connections");
    bans: typeof import("@/lib/db/queries/bans");
    snapshots: typeof import("@/lib/db/queries/snapshots");
    unban: typeof import("@/lib/observe/unban");
    sshUnbanner: typeof import("@/lib/observe/ssh-unbanner");
    settings: typeof import("@/lib/db/queries/settings");
    scanners: typeof import("@/lib/db/queries/scanners");
    entries: typeof import("@/lib/db/queries/address-entries");
    entrySchema: typeof import("@/lib/validation/address-entry");
    banSchema: typeof import("@/lib/validation/bans");
    db: typeof import("@/lib/db/client");
    calls: typeof import("@/lib/db/queries/call-records");
    callSchema: typeof import("@/lib/validation/call-records");
  };
  const caller = { role: "ADMIN" as const, tenantId: null, actor: { type: "CLI" as const, id: null, label: "observe-lab-test" } };
  const nodeIds = new Map<string, string>();

  const attacker = () => lab.attacker.namespace;
  const probe = (host: string, from: string) => probeSipOptions(lab.attacker.namespace, host, from);
  const onNode = (name: string, argv: string[]) => {
    const node = readState(dir)!.nodes.find((n) => n.name === name)!;
    return run("ip", nodeExecArgv(node.namespace, node.dir, argv));
  };
  const banned = (name: string, jail: string) => onNode(name, ["fail2ban-client", "get", jail, "banip"]).stdout;
  const cli = (...args: string[]) =>
    spawnSync(join(process.cwd(), "node_modules", ".bin", "tsx"), ["cli/rampart.ts", ...args], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: databaseUrl },
      timeout: 120_000,
    });
  const bansOf = async (address: string) => (await m.bans.listBans(caller, m.banSchema.banListQuerySchema.parse({ q: address }))).items;

  async function push() {
    const { done } = await m.batch.startPush(caller, { target: { kind: "all" }, timerSeconds: 30 });
    const summary = await done;
    expect(Object.values(summary.states).every((s) => s === "CONFIRMED"), JSON.stringify(summary.states)).toBe(true);
  }

  /** One polling loop per node, as the queue runs it: a node's next poll starts an interval after its last began. */
  function startPolling(): () => Promise<void> {
    let isStopped = false;
    const loops = [...nodeIds.values()].map(async (nodeId) => {
      while (!isStopped) {
        const started = Date.now();
        await m.collector.collectNode(nodeId, { observeDeadlineMs: OBSERVE_DEADLINE_MS });
        const wait = INTERVAL_MS - (Date.now() - started);
        for (let waited = 0; waited < wait && !isStopped; waited += 100) await sleep(100);
      }
    });
    return async () => {
      isStopped = true;
      await Promise.all(loops);
    };
  }

  beforeAll(async () => {
    lab = await upLab(3, dir);
    const database = await useLabDatabase(lab, dir, "rampart_observe_lab");
    dropDatabase = database.drop;
    databaseUrl = database.url;
    m = {
      batch: await import("@/lib/deploy/batch"),
      collector: await import("@/lib/observe/collector"),
      connections: await import("@/lib/observe/node-connections"),
      bans: await import("@/lib/db/queries/bans"),
      snapshots: await import("@/lib/db/queries/snapshots"),
      unban: await import("@/lib/observe/unban"),
      sshUnbanner: await import("@/lib/observe/ssh-unbanner"),
      settings: await import("@/lib/db/queries/settings"),
      scanners: await import("@/lib/db/queries/scanners"),
      entries: await import("@/lib/db/queries/address-entries"),
      entrySchema: await import("@/lib/validation/address-entry"),
      banSchema: await import("@/lib/validation/bans"),
      db: await import("@/lib/db/client"),
      calls: await import("@/lib/db/queries/call-records"),
      callSchema: await import("@/lib/validation/call-records"),
    };
    m.sshUnbanner.registerSshUnbanner();
    for (const [name, id] of await registerLabNodes(lab)) nodeIds.set(name, id);
    await m.entries.createAddressEntry(caller, { kind: "management" }, m.entrySchema.entryCreateSchema.parse({ network: lab.panelAddress, comment: "panel" }));
    // svcrack announces itself as a scanner: with signatures on, its packets never reach Asterisk to fail.
    for (const signature of await m.scanners.listScanners(caller)) await m.scanners.updateScanner(caller, signature.id, { enabled: false });
    // The rate limit of the flood test, set before the first push: the kernel keeps a hashlimit table's first
    // parameters for as long as a rule uses its name, so a later push with other values would not change them.
    // A small refill (1 packet/s) keeps the flood visible when the poll reads it; REGISTER hits high enough that
    // xt_recent does not divert the flood before the per-source rate limit counts it.
    const rate = await m.settings.getRateLimitSettings(caller);
    await m.settings.updateRateLimitSettings(caller, { ...rate, enabled: true, packetsPerSecond: 1, burst: 50, registerHits: 1_000 });
    await push();
  });

  afterAll(async () => {
    m?.connections.closeAllNodeConnections();
    m?.unban.setNodeUnbanner(null);
    await m?.db.disconnectDb();
    await downLab(dir);
    await dropDatabase();
  });

  it("shows an svcrack ban in listBans and `rampart bans list` within one interval, and unbans it on the node", async () => {
    const sourceA = lab.attacker.addresses[0]!;
    const node = lab.nodes[0]!;
    const stopPolling = startPolling();
    try {
      const dictionary = join(dir, "passwords.txt");
      writeFileSync(dictionary, Array.from({ length: 12 }, (_, i) => `wrong${i}\n`).join(""));
      // From the attacker's first address, the one its kernel picks (sipvicious 0.3.3 ignores -b).
      run("timeout", ["40", "ip", "netns", "exec", attacker(), "svcrack", "-u", node.sip.extension, "-d", dictionary, node.host]);
      await waitFor(`fail2ban ban of ${sourceA} on ${node.name}`, () => banned(node.name, "rampart-asterisk").includes(sourceA), 30_000);
      const bannedOnNodeAt = Date.now();
      await waitFor(`ban of ${sourceA} in ban_events`, async () => (await bansOf(sourceA)).length > 0, INTERVAL_MS + OBSERVE_DEADLINE_MS + 2_000);
      // Within one poll interval (plus the poll's own time, bounded by its deadline) of fail2ban's ban.
      expect(Date.now() - bannedOnNodeAt).toBeLessThanOrEqual(INTERVAL_MS + OBSERVE_DEADLINE_MS);
    } finally {
      await stopPolling();
    }

    const [view] = await bansOf(sourceA);
    expect(view).toMatchObject({ address: sourceA, country: "KP", jails: ["rampart-asterisk"] });
    expect(view!.nodes.map((n) => n.name)).toEqual([node.name]);
    expect(view!.expiresAt === null || view!.expiresAt > view!.bannedAt).toBe(true);

    const listed = cli("bans", "list", "--json");
    expect(listed.status, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<{ ip: string; jail: string; node: string; bannedAt: string; expiresAt: string | null }>;
    const row = rows.find((r) => r.ip === sourceA);
    expect(row).toMatchObject({ ip: sourceA, jail: "rampart-asterisk", node: node.name });
    expect(Number.isNaN(Date.parse(row!.bannedAt))).toBe(false);

    // Unban (what the Bans page action calls): the jail is named, the node re-reads it, the attacker gets through.
    expect(probe(node.host, sourceA)).toBe("timeout");
    const result = await m.unban.unbanAddresses(caller, { addresses: [sourceA], nodeIds: [nodeIds.get(node.name)!], then: "none" });
    expect(result.unbans).toEqual([expect.objectContaining({ address: sourceA, nodeName: node.name, jail: "rampart-asterisk", isUnbanned: true })]);
    expect(banned(node.name, "rampart-asterisk")).not.toContain(sourceA);
    expect(onNode(node.name, ["ipset", "test", "rampart-f2b-voip4", sourceA]).status).not.toBe(0);
    expect(probe(node.host, sourceA)).toMatch(SIP_ANSWERED);
    expect(await bansOf(sourceA)).toEqual([]);
  });

  it("unbans from the CLI with the node named, and exits non-zero for an address it cannot confirm", async () => {
    const address = "198.18.1.77";
    expect(onNode("node2", ["fail2ban-client", "set", "rampart-asterisk", "banip", address]).status).toBe(0);
    await m.collector.collectNode(nodeIds.get("node2")!);
    expect((await bansOf(address)).map((b) => b.nodes.map((n) => n.name))).toEqual([["node2"]]);
    const done = cli("unban", address, "--node", "node2");
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^198\.18\.1\.77 on node2: unbanned \(Unbanned from rampart-asterisk/m);
    expect(banned("node2", "rampart-asterisk")).not.toContain(address);
    const none = cli("unban", address, "--all");
    expect(none.status, none.stdout).toBe(0);
    expect(none.stdout).toMatch(/198\.18\.1\.77: not banned on any chosen node/);
    expect(cli("unban", address).status).toBe(2);

    // The node's live state decides, not the collector's last read: an address put straight into node3's ban set
    // (no poll has seen it) is lifted; with node1's sshd gone, the CLI says so and exits 1.
    expect(onNode("node3", ["ipset", "add", "-exist", "rampart-f2b-voip4", address]).status).toBe(0);
    await killNodeSshd("node1", dir);
    try {
      const live = cli("unban", address, "--all");
      expect(live.status, live.stdout).toBe(1);
      expect(live.stdout).toMatch(/^198\.18\.1\.77 on node3: unbanned/m);
      expect(live.stdout).toMatch(/^198\.18\.1\.77 on node1: node UNREACHABLE/m);
      expect(onNode("node3", ["ipset", "test", "rampart-f2b-voip4", address]).status).not.toBe(0);
    } finally {
      await startNodeSshd("node1", dir);
    }
    // A bad address is refused by the unban request's schema with the address parser's message.
    const bad = cli("unban", "198.18.1.300", "--all");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^rampart: addresses\.0: 198\.18\.1\.300: .+/m);
  });

  it("shows a REGISTER-flooding source near zero tokens in the rate table while a normal source is not", async () => {
    const node = lab.nodes[1]!;
    const [, flooder, normal] = lab.attacker.addresses as [string, string, string];
    const traffic = runAsync("ip", ["netns", "exec", attacker(), process.execPath, "-e", REGISTER_FLOOD, node.host, flooder, normal, "400", "6"]);
    await sleep(3_000);
    await m.collector.collectNode(nodeIds.get(node.name)!);
    expect((await traffic).stdout).toMatch(/^sent \d+/);

    const latest = await m.snapshots.latestObservation(caller, nodeIds.get(node.name)!);
    const table = latest.observation!.rateTable;
    const flooding = table.find((r) => r.address === flooder);
    const calm = table.find((r) => r.address === normal);
    expect(flooding, JSON.stringify(table)).toBeDefined();
    expect(flooding!.tokensLeftPercent, JSON.stringify(table)).toBeLessThan(10);
    expect(flooding!.isNearLimit).toBe(true);
    expect(calm!.tokensLeftPercent).toBeGreaterThan(80);
    expect(calm!.isNearLimit).toBe(false);
    // The drops were counted by reason too.
    expect(latest.observation!.counters.rateLimitBy.packetRate.packets).toBeGreaterThan(300);
  });

  it("stores the CDR of a registered phone's real call out through the trunk, read by the collector, once", async () => {
    const node = lab.nodes[0]!;
    const nodeId = nodeIds.get(node.name)!;
    await m.collector.collectNode(nodeId); // what the node's CDR file held before is read first
    const list = async () => (await m.calls.listCallRecords(caller, m.callSchema.callRecordListSchema.parse({ nodeId, accountCode: "acme" }))).items;
    const before = (await list()).length;
    await registerLabPhone(node.name, "1002", dir);
    // 0 is the trunk prefix; the carrier gets 0033 1 23 45 67 89 and answers; the phone hangs up 3 s later.
    await callFromLabPhone(node.name, "1002", "00033123456789", 3, dir);
    await m.collector.collectNode(nodeId);
    const calls = await list();
    expect(calls).toHaveLength(before + 1);
    expect(calls[0]).toMatchObject({ accountCode: "acme", source: "1002", destination: "00033123456789", context: "tenant-acme", disposition: "ANSWERED" });
    expect(calls[0]!.dstChannel).toMatch(/^PJSIP\/carrier-/);
    expect(calls[0]!.billSeconds).toBeGreaterThanOrEqual(3);
    expect(calls[0]!.billSeconds).toBeLessThanOrEqual(5);
    expect(calls[0]!.answeredAt).not.toBeNull();
    // Read again, nothing new: the collector acknowledged the line, so the agent read on past it (and the store
    // would keep it once anyway).
    await m.collector.collectNode(nodeId);
    expect(await list()).toHaveLength(before + 1);
  });

  it("shows a node taken down as unreachable within two intervals while the others keep updating", async () => {
    const hostVeth = planTopology(3).nodes[2]!.hostVeth;
    const health = async () => Object.fromEntries((await m.snapshots.clusterHealth(caller)).map((h) => [h.name, h]));
    const stopPolling = startPolling();
    try {
      await waitFor("every node polled", async () => Object.values(await health()).every((h) => h.isReachable === true), INTERVAL_MS * 2);
      runOk("ip", ["link", "set", hostVeth, "down"]);
      const downAt = new Date();
      await waitFor("node3 unreachable", async () => (await health()).node3!.isReachable === false, INTERVAL_MS * 2);
      expect(Date.now() - downAt.getTime()).toBeLessThanOrEqual(INTERVAL_MS * 2);
      // The others went on being polled meanwhile, and node3 keeps its last data with its age.
      await sleep(INTERVAL_MS);
      const after = await health();
      for (const name of ["node1", "node2"]) {
        expect(after[name]!.isReachable, `${name}: ${after[name]!.lastError}`).toBe(true);
        expect(after[name]!.lastPollAt!.getTime()).toBeGreaterThan(downAt.getTime());
      }
      expect(after.node3!.lastError).toBeTruthy();
      expect(after.node3!.runningVersion).toMatch(/^[0-9a-f]{64}$/);
      expect(after.node3!.ageSeconds).toBeGreaterThanOrEqual(1);
      const status = cli("status", "--json");
      expect(status.status, status.stderr).toBe(0);
      expect((JSON.parse(status.stdout) as Array<{ name: string; isReachable: boolean }>).find((s) => s.name === "node3")!.isReachable).toBe(false);
    } finally {
      await stopPolling();
      runOk("ip", ["link", "set", hostVeth, "up"]);
    }
  });
});

if (shouldSkip) describe("collector and unban on lab nodes (SKIPPED: prerequisites missing)", () => {
  it("needs root, the lab tools and no running lab", () => {
    expect(missing.length > 0 || isLabBusy).toBe(true);
  });
});
