/**
 * The trust model under attack, on three lab nodes with the default policy (default deny) pushed by the code
 * the dashboard uses. Each test is an attack an Internet attacker or a tenant administrator can make, and what
 * must come of it:
 *  - the panel is in every jail's ignoreip and reaches SSH even past a ban placed by hand;
 *  - a tenant admin's 0.0.0.0/1 is refused, another tenant's network waits for approval (rendered nowhere), and a
 *    tenant network never outranks the blocklist;
 *  - an auto-whitelisted registration address reaches SIP only: not SSH, not another port, not past the scanner
 *    signatures, not past the blocklist;
 *  - forged REGISTERs with the panel's source address, or a carrier trunk's, never get either banned, while the
 *    same packets with an ordinary forged source do;
 *  - default deny: a port the policy does not open (AMI, a random one) is unreachable from the attacker and
 *    reachable from a management address and the panel;
 *  - a rebooted node (tables, sets and daemons gone, then what the node runs at boot) comes back with its
 *    confirmed version before fail2ban restores a single ban, and a reboot that restores nothing is reported
 *    as drift by the collector.
 * The attacker namespace owns 198.18.1.10–12: .10 is the attacker (later a registered phone), .11 a tenant's
 * office, .12 the administrator's workstation (the management network). Root only; skipped otherwise
 * (RAMPART_REQUIRE_ALL=1 makes that a failure), and while another lab is up.
 */
import { existsSync, mkdtempSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { isEverySuiteRequired, missingPrerequisites, run, runOk } from "@/test/rules/netns";

import { forgeRegisters, listenInNamespace, registerPhone, sipOptionsWithAgent, tcpProbe } from "./attack";
import { downLab, LAB_TOOLS, nodeExecArgv, rebootNode, upLab, type LabDescription } from "./cluster";
import { waitFor } from "./exec";
import { netnsEtcDir } from "./fail2ban";
import { SIP_ANSWERED } from "./sip-probe";
import { readState } from "./state";
import { registerLabNodes, useLabDatabase } from "./testing";
import { LAB_BRIDGE } from "./topology";

const missing = missingPrerequisites(LAB_TOOLS);
const isLabBusy = run("ip", ["link", "show", LAB_BRIDGE]).status === 0;
const shouldSkip = (missing.length > 0 || isLabBusy) && !isEverySuiteRequired();

const ORDINARY_AGENT = "Yealink SIP-T46S 66.86.0.15";
/** Addresses nobody in the lab owns: a carrier's SIP trunk and an ordinary stranger, both only ever forged. */
const TRUNK_ADDRESS = "198.18.1.50";
const STRANGER_ADDRESS = "198.18.1.77";

if (!shouldSkip) describe("trust and exposure under attack on lab nodes", () => {
  const dir = mkdtempSync(join(tmpdir(), "rampart-trust-lab-"));
  let lab: LabDescription;
  let dropDatabase: () => Promise<void> = async () => {};
  let m: {
    batch: typeof import("@/lib/deploy/batch");
    check: typeof import("@/lib/deploy/node-check");
    entries: typeof import("@/lib/db/queries/address-entries");
    entrySchema: typeof import("@/lib/validation/address-entry");
    tenants: typeof import("@/lib/db/queries/tenants");
    autoWhitelist: typeof import("@/lib/db/queries/auto-whitelist");
    exposure: typeof import("@/lib/db/queries/exposure");
    collector: typeof import("@/lib/observe/collector");
    connections: typeof import("@/lib/observe/node-connections");
    unban: typeof import("@/lib/observe/unban");
    sshUnbanner: typeof import("@/lib/observe/ssh-unbanner");
    snapshots: typeof import("@/lib/db/queries/snapshots");
    db: typeof import("@/lib/db/client");
  };
  const admin = { role: "ADMIN" as const, tenantId: null, actor: { type: "CLI" as const, id: null, label: "trust-lab-test" } };
  const nodeIds = new Map<string, string>();
  let attackerAddress = "";
  let officeAddress = "";
  let adminWorkstation = "";

  const attacker = () => lab.attacker.namespace;
  const node = (name: string) => lab.nodes.find((n) => n.name === name)!;
  const onNode = (name: string, argv: string[]) => {
    const state = readState(dir)!.nodes.find((n) => n.name === name)!;
    return run("ip", nodeExecArgv(state.namespace, state.dir, argv));
  };

  async function push() {
    const { batchId, done } = await m.batch.startPush(admin, { target: { kind: "all" }, timerSeconds: 30 });
    const summary = await done;
    const view = await m.batch.getPushBatch(admin, batchId);
    for (const d of view.deployments) expect([d.nodeName, d.state, d.message]).toEqual([d.nodeName, "CONFIRMED", d.message]);
    return { summary, view };
  }
  const addEntry = (kind: "whitelist" | "blocklist" | "management", network: string, comment: string, extra: Record<string, unknown> = {}) =>
    m.entries.createAddressEntry(admin, { kind }, m.entrySchema.entryCreateSchema.parse({ network, comment, ...extra }));

  beforeAll(async () => {
    lab = await upLab(3, dir);
    const database = await useLabDatabase(lab, dir, "rampart_trust_lab");
    dropDatabase = database.drop;
    m = {
      batch: await import("@/lib/deploy/batch"),
      check: await import("@/lib/deploy/node-check"),
      entries: await import("@/lib/db/queries/address-entries"),
      entrySchema: await import("@/lib/validation/address-entry"),
      tenants: await import("@/lib/db/queries/tenants"),
      autoWhitelist: await import("@/lib/db/queries/auto-whitelist"),
      exposure: await import("@/lib/db/queries/exposure"),
      collector: await import("@/lib/observe/collector"),
      connections: await import("@/lib/observe/node-connections"),
      unban: await import("@/lib/observe/unban"),
      sshUnbanner: await import("@/lib/observe/ssh-unbanner"),
      snapshots: await import("@/lib/db/queries/snapshots"),
      db: await import("@/lib/db/client"),
    };
    m.sshUnbanner.registerSshUnbanner();
    [attackerAddress, officeAddress, adminWorkstation] = lab.attacker.addresses as [string, string, string];
    for (const [name, id] of await registerLabNodes(lab)) nodeIds.set(name, id);
    // The administrator's workstation is the management network; the panel is NOT listed anywhere: it is
    // trusted by its own address, which the push discovers.
    await addEntry("management", adminWorkstation, "admin workstation");
  }, 120_000);

  afterAll(async () => {
    m?.connections.closeAllNodeConnections();
    m?.unban.setNodeUnbanner(null);
    await m?.db.disconnectDb();
    await downLab(dir);
    await dropDatabase();
  });

  it("pushes default deny everywhere, the panel reaching every node by its discovered address alone", async () => {
    await push();
    const rows = await m.db.getDb().$queryRaw<{ name: string; panel: string | null }[]>`SELECT name, host(panel_address) AS panel FROM nodes ORDER BY name`;
    expect(rows).toEqual(lab.nodes.map((n) => ({ name: n.name, panel: lab.panelAddress })));
    const rules = onNode("node1", ["iptables", "-w", "-S", "RAMPART-INPUT"]).stdout;
    expect(rules).toMatch(/-m set --match-set rampart-pn4-ip src -j ACCEPT/);
    expect(rules.trim().split("\n").at(-1)).toBe("-A RAMPART-INPUT -j DROP");
    expect(onNode("node1", ["ipset", "test", "rampart-pn4-ip", lab.panelAddress]).status).toBe(0);
  });

  it("keeps the panel in every jail's ignoreip and lets it in past a ban placed by hand", async () => {
    const jail = onNode("node1", ["fail2ban-client", "get", "rampart-asterisk", "ignoreip"]).stdout;
    expect(jail).toContain(lab.panelAddress);
    expect(onNode("node1", ["ipset", "add", "-exist", "rampart-f2b-voip4", lab.panelAddress]).status).toBe(0);
    try {
      const test = await m.check.testNodeConnection(admin, nodeIds.get("node1")!);
      expect(test.ok, test.message).toBe(true);
    } finally {
      onNode("node1", ["ipset", "del", "-exist", "rampart-f2b-voip4", lab.panelAddress]);
    }
  });

  it("never bans the panel or a carrier trunk for forged REGISTERs, and bans an ordinary forged source", async () => {
    await addEntry("whitelist", TRUNK_ADDRESS, "carrier trunk", { scope: "NO_BAN" });
    await push();
    const target = node("node1");
    const banned = () => onNode("node1", ["fail2ban-client", "get", "rampart-asterisk", "banip"]).stdout;
    const logged = (address: string) =>
      onNode("node1", ["grep", "-c", `InvalidAccountID.*RemoteAddress="IPV4/UDP/${address}/`, readState(dir)!.nodes.find((n) => n.name === "node1")!.logPaths.asteriskSecurity]).stdout.trim();
    // Ten blind packets each, more than maxretry: what got the panel banned before it was trusted by its address.
    for (const forged of [lab.panelAddress, TRUNK_ADDRESS, STRANGER_ADDRESS]) forgeRegisters(attacker(), target.host, forged, 10);
    // The same packets ban the stranger: the attack works, and only trust stops it.
    await waitFor(`fail2ban to ban the forged ${STRANGER_ADDRESS}`, () => banned().includes(STRANGER_ADDRESS), 30_000);
    try {
      // Every forged packet arrived and was logged against the forged address.
      for (const forged of [lab.panelAddress, TRUNK_ADDRESS, STRANGER_ADDRESS]) expect([forged, logged(forged)]).toEqual([forged, "10"]);
      expect(banned()).not.toContain(lab.panelAddress);
      expect(banned()).not.toContain(TRUNK_ADDRESS);
      for (const set of ["rampart-f2b-voip4", "rampart-f2b-web4", "rampart-f2b-rec4"]) {
        expect([set, onNode("node1", ["ipset", "test", set, lab.panelAddress]).status]).not.toEqual([set, 0]);
      }
      const test = await m.check.testNodeConnection(admin, nodeIds.get("node1")!);
      expect(test.ok, test.message).toBe(true);
    } finally {
      onNode("node1", ["fail2ban-client", "set", "rampart-asterisk", "unbanip", STRANGER_ADDRESS]);
    }
  });

  it("refuses a tenant admin's 0.0.0.0/1, holds another tenant's network for approval, and never lets a tenant outrank the blocklist", async () => {
    const acme = await m.tenants.createTenant(admin, { name: "Acme", description: "", autoWhitelistRestrictions: true });
    const rival = await m.tenants.createTenant(admin, { name: "Rival", description: "", autoWhitelistRestrictions: true });
    await m.entries.createAddressEntry(admin, { kind: "tenant", tenantId: acme.id }, m.entrySchema.entryCreateSchema.parse({ network: officeAddress, comment: "Acme office" }));
    const rivalAdmin = { role: "TENANT_ADMIN" as const, tenantId: rival.id, actor: { type: "CLI" as const, id: null, label: "rival-admin" } };
    const create = (network: string, confirmBroad = false) =>
      m.entries.createAddressEntry(rivalAdmin, { kind: "tenant", tenantId: rival.id }, m.entrySchema.entryCreateSchema.parse({ network, comment: "ours", confirmBroad }));
    await expect(create("0.0.0.0/1", true)).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(create("128.0.0.0/1", true)).rejects.toMatchObject({ code: "VALIDATION" });
    await create("198.18.1.0/24"); // holds Acme's office: waits for an administrator
    const pending = await m.db.getDb().$queryRaw<{ network: string; pending_reason: string | null }[]>`
      SELECT abbrev(network) AS network, pending_reason FROM address_entries WHERE tenant_id = ${rival.id}::uuid`;
    expect(pending).toEqual([{ network: "198.18.1.0/24", pending_reason: expect.stringMatching(/Acme/) }]);

    await addEntry("blocklist", officeAddress, "compromised office router");
    await push();
    const sets = onNode("node1", ["ipset", "list", "-n"]).stdout.split("\n");
    const tenantSet = sets.find((s) => /^rampart-tr4-/.test(s))!;
    const tenantMembers = onNode("node1", ["ipset", "list", tenantSet]).stdout;
    expect(tenantMembers).toContain(officeAddress);
    expect(tenantMembers).not.toContain("198.18.1.0/24");
    expect(onNode("node1", ["ipset", "test", sets.find((s) => /^rampart-bl4-/.test(s))!, officeAddress]).status).toBe(0);
    // The tenant's SIP-scoped trust does not outrank the blocklist ...
    expect(sipOptionsWithAgent(attacker(), node("node1").host, officeAddress, ORDINARY_AGENT)).toBe("timeout");
    // ... and reaches SIP once the blocklist entry is gone, never SSH.
    const blocked = (await m.entries.listAddressEntries(admin, { kind: "blocklist" }, { q: officeAddress, limit: 10 } as never)).items;
    for (const entry of blocked) await m.entries.deleteAddressEntry(admin, { kind: "blocklist" }, entry.id);
    await push();
    expect(sipOptionsWithAgent(attacker(), node("node1").host, officeAddress, ORDINARY_AGENT)).toMatch(SIP_ANSWERED);
    expect(tcpProbe(attacker(), node("node1").host, 22, officeAddress)).toBe("timeout");
  });

  it("lets an auto-whitelisted registration address reach SIP only: not SSH, not another port, not past the scanner rules or the blocklist", async () => {
    await m.autoWhitelist.updateAutoWhitelistSettings(admin, { isEnabled: true, ttlSeconds: 3600 });
    const target = node("node2");
    expect(registerPhone(attacker(), target.host, attackerAddress, target.sip.extension, target.sip.password)).toBe("SIP/2.0 200 OK");
    await m.collector.collectNode(nodeIds.get("node2")!);
    const auto = await m.db.getDb().$queryRaw<{ scope: string; source: string }[]>`
      SELECT scope::text AS scope, source::text AS source FROM address_entries WHERE list = 'WHITELIST' AND network = ${attackerAddress}::inet`;
    expect(auto).toEqual([{ scope: "SIP", source: "AUTO_REGISTRATION" }]);
    await push();
    const stop = listenInNamespace(readState(dir)!.nodes.find((n) => n.name === "node2")!.namespace, 5038, target.host);
    try {
      await waitFor("the AMI stand-in on node2", () => tcpProbe(attacker(), target.host, 5038, adminWorkstation) === "open", 10_000);
      expect(sipOptionsWithAgent(attacker(), target.host, attackerAddress, ORDINARY_AGENT)).toMatch(SIP_ANSWERED);
      expect(tcpProbe(attacker(), target.host, 22, attackerAddress)).toBe("timeout");
      expect(tcpProbe(attacker(), target.host, 5038, attackerAddress)).toBe("timeout");
      expect(sipOptionsWithAgent(attacker(), target.host, attackerAddress, "friendly-scanner")).toBe("timeout");
      const scan = runOk("timeout", ["60", "ip", "netns", "exec", attacker(), "svmap", "-b", attackerAddress, "-t", "1", target.host]);
      expect(scan).not.toContain(`${target.host}:5060`);
    } finally {
      stop();
    }
    await addEntry("blocklist", attackerAddress, "stolen phone");
    await push();
    expect(sipOptionsWithAgent(attacker(), target.host, attackerAddress, ORDINARY_AGENT)).toBe("timeout");
    const blocked = (await m.entries.listAddressEntries(admin, { kind: "blocklist" }, { q: attackerAddress, limit: 10 } as never)).items;
    for (const entry of blocked) await m.entries.deleteAddressEntry(admin, { kind: "blocklist" }, entry.id);
    // The phone's entry goes too: the tests below need the attacker as a stranger.
    await m.autoWhitelist.updateAutoWhitelistSettings(admin, { isEnabled: false });
    await m.db.getDb().$executeRaw`DELETE FROM address_entries WHERE source = 'AUTO_REGISTRATION'`;
    await push();
  });

  it("keeps AMI and any port the policy does not open unreachable from the attacker, reachable from management and the panel", async () => {
    const namespace = readState(dir)!.nodes.find((n) => n.name === "node3")!.namespace;
    const stops = [5038, 31337].map((port) => listenInNamespace(namespace, port, node("node3").host));
    try {
      const host = node("node3").host;
      await waitFor("listeners on node3", () => tcpProbe(attacker(), host, 5038, adminWorkstation) === "open", 10_000);
      for (const port of [5038, 31337]) {
        expect([port, tcpProbe(attacker(), host, port, attackerAddress)]).toEqual([port, "timeout"]);
        expect([port, tcpProbe(attacker(), host, port, officeAddress)]).toEqual([port, "timeout"]); // a tenant's office: SIP only
      }
      expect(tcpProbe(attacker(), host, 5038, adminWorkstation)).toBe("open");
      expect(tcpProbe(attacker(), host, 31337, adminWorkstation)).toBe("timeout"); // not a declared service: closed for everyone
      expect((await m.check.testNodeConnection(admin, nodeIds.get("node3")!)).ok).toBe(true); // the panel: SSH by its own address
      // REJECT instead of DROP: the attacker is refused at once instead of left waiting.
      const cluster = await m.exposure.getExposure(admin);
      await m.exposure.updateExposure(admin, { ...cluster, finalAction: "REJECT" });
      await push();
      expect(tcpProbe(attacker(), host, 31337, attackerAddress)).toBe("refused");
      await m.exposure.updateExposure(admin, cluster);
      await push();
    } finally {
      for (const stop of stops) stop();
    }
  });

  it("brings a rebooted node back with its confirmed version before fail2ban restores a ban, and reports a reboot that restored nothing", async () => {
    await push();
    const name = "node1";
    const target = node(name);
    const ours = () => {
      const rules = onNode(name, ["iptables-save"]).stdout.split("\n").filter((l) => /RAMPART/.test(l) && !l.startsWith(":")).join("\n");
      const sets = onNode(name, ["ipset", "list", "-n"]).stdout.split("\n").filter((l) => l.startsWith("rampart-")).sort().join(" ");
      return { rules, sets };
    };
    const confirmed = ours();
    expect(confirmed.rules).toMatch(/-A INPUT .*-j RAMPART-INPUT/);
    // A ban fail2ban holds in its database across the reboot.
    onNode(name, ["fail2ban-client", "set", "rampart-asterisk", "banip", attackerAddress]);
    expect(sipOptionsWithAgent(attacker(), target.host, attackerAddress, ORDINARY_AGENT)).toBe("timeout");
    try {
      const report = await rebootNode(name, dir);
      expect(report.bootLog, report.init).toMatch(/^\d+ boot-restore: restored [0-9a-f]+, digest [0-9a-f]+, fail2ban not running yet$/);
      expect(ours()).toEqual(confirmed);
      // fail2ban restored the ban into a set the restored rules already drop.
      await waitFor(`fail2ban to restore the ban of ${attackerAddress}`, () => onNode(name, ["fail2ban-client", "get", "rampart-asterisk", "banip"]).stdout.includes(attackerAddress), 30_000);
      expect(sipOptionsWithAgent(attacker(), target.host, attackerAddress, ORDINARY_AGENT)).toBe("timeout");
      expect(sipOptionsWithAgent(attacker(), target.host, officeAddress, ORDINARY_AGENT)).toMatch(SIP_ANSWERED);
      await m.collector.collectNode(nodeIds.get(name)!);
      const health = (await m.snapshots.clusterHealth(admin)).find((h) => h.name === name)!;
      expect([health.isDrifted, health.driftMessage]).toEqual([false, expect.stringMatching(/^Running state matches confirmed version/)]);

      // The same reboot on a node whose boot restore is gone: no Rampart chain, the ban in a set nothing reads,
      // and the collector says so in words.
      const state = readState(dir)!.nodes.find((n) => n.name === name)!;
      const hook = join(netnsEtcDir(state.namespace), "network", "if-pre-up.d", "rampart-restore");
      expect(existsSync(hook)).toBe(true);
      renameSync(hook, `${hook}.off`);
      try {
        const bare = await rebootNode(name, dir);
        expect(bare.bootLog).toBeNull();
        await waitFor(`fail2ban to restore the ban of ${attackerAddress}`, () => onNode(name, ["fail2ban-client", "get", "rampart-asterisk", "banip"]).stdout.includes(attackerAddress), 30_000);
        expect(ours().rules).not.toMatch(/-j RAMPART-INPUT/);
        expect(sipOptionsWithAgent(attacker(), target.host, attackerAddress, ORDINARY_AGENT)).toMatch(SIP_ANSWERED);
        await m.collector.collectNode(nodeIds.get(name)!);
        const drifted = (await m.snapshots.clusterHealth(admin)).find((h) => h.name === name)!;
        expect(drifted.isDrifted).toBe(true);
        expect(drifted.driftMessage).toMatch(/^Running state does not match confirmed version \S+: Rampart's chains are not loaded/);
      } finally {
        renameSync(`${hook}.off`, hook);
      }
      await rebootNode(name, dir);
      expect(ours()).toEqual(confirmed);
    } finally {
      onNode(name, ["fail2ban-client", "set", "rampart-asterisk", "unbanip", attackerAddress]);
    }
  });
});

if (shouldSkip) describe("trust and exposure under attack on lab nodes (SKIPPED: prerequisites missing)", () => {
  it("needs root, the lab tools and no running lab", () => {
    expect(missing.length > 0 || isLabBusy).toBe(true);
  });
});
