/**
 * The safe push against real nodes: three lab nodes (sshd, iptables, ipset, fail2ban, Asterisk 22) and
 * the sipvicious attacker, driven through the same code the dashboard and the CLI use (lib/deploy/batch.ts
 * over a migrated PostgreSQL database). Root only; skipped otherwise (RAMPART_REQUIRE_ALL=1 makes that a
 * failure), and skipped while another lab is up.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { isEverySuiteRequired, missingPrerequisites, run, runOk } from "@/test/rules/netns";

import { setAttackerSource } from "./attack";
import { downLab, LAB_TOOLS, nodeExecArgv, upLab, type LabDescription } from "./cluster";
import { sleep, waitFor } from "./exec";
import { probeSipOptions, SIP_ANSWERED } from "./sip-probe";
import { readState } from "./state";
import { registerLabNodes, useLabDatabase } from "./testing";
import { LAB_BRIDGE, planTopology } from "./topology";

const missing = missingPrerequisites(LAB_TOOLS);
const isLabBusy = run("ip", ["link", "show", LAB_BRIDGE]).status === 0;
const shouldSkip = (missing.length > 0 || isLabBusy) && !isEverySuiteRequired();


if (!shouldSkip) describe("safe push to lab nodes", () => {
  const dir = mkdtempSync(join(tmpdir(), "rampart-push-lab-"));
  let lab: LabDescription;
  let dropDatabase: () => Promise<void> = async () => {};
  // Loaded after the environment points at the test database (lib/env reads it once).
  let m: {
    batch: typeof import("@/lib/deploy/batch");
    check: typeof import("@/lib/deploy/node-check");
    entries: typeof import("@/lib/db/queries/address-entries");
    scanners: typeof import("@/lib/db/queries/scanners");
    settings: typeof import("@/lib/db/queries/settings");
    entrySchema: typeof import("@/lib/validation/address-entry");
    collector: typeof import("@/lib/observe/collector");
    connections: typeof import("@/lib/observe/node-connections");
    snapshots: typeof import("@/lib/db/queries/snapshots");
    repair: typeof import("@/lib/deploy/repair");
    db: typeof import("@/lib/db/client");
  };
  const caller = { role: "ADMIN" as const, tenantId: null, actor: { type: "CLI" as const, id: null, label: "push-lab-test" } };
  const nodeIds = new Map<string, string>();

  const attacker = () => lab.attacker.namespace;
  const probe = (host: string, from: string) => probeSipOptions(attacker(), host, from);
  const onNode = (name: string, argv: string[]) => {
    const node = readState(dir)!.nodes.find((n) => n.name === name)!;
    return run("ip", nodeExecArgv(node.namespace, node.dir, argv));
  };
  const agentStatus = (name: string) => onNode(name, ["/bin/sh", "/var/lib/rampart/agent/rampart-node.sh", "status"]).stdout;
  const runningVersion = (name: string) => /^version=(\w*)$/m.exec(agentStatus(name))?.[1] ?? "";
  const banned = (name: string, jail: string) => onNode(name, ["fail2ban-client", "get", jail, "banip"]).stdout;

  async function push(request: Record<string, unknown>, runner = {}) {
    const { batchId, done } = await m.batch.startPush(caller, { timerSeconds: 30, ...request }, runner);
    const summary = await done;
    const view = await m.batch.getPushBatch(caller, batchId);
    return { summary, view, byNode: Object.fromEntries(view.deployments.map((d) => [d.nodeName, d])) };
  }
  const addEntry = (kind: "whitelist" | "blocklist" | "management", network: string, comment: string) =>
    m.entries.createAddressEntry(caller, { kind }, m.entrySchema.entryCreateSchema.parse({ network, comment }));

  beforeAll(async () => {
    lab = await upLab(3, dir);
    const database = await useLabDatabase(lab, dir, "rampart_lab");
    dropDatabase = database.drop;
    m = {
      batch: await import("@/lib/deploy/batch"),
      check: await import("@/lib/deploy/node-check"),
      entries: await import("@/lib/db/queries/address-entries"),
      scanners: await import("@/lib/db/queries/scanners"),
      settings: await import("@/lib/db/queries/settings"),
      entrySchema: await import("@/lib/validation/address-entry"),
      collector: await import("@/lib/observe/collector"),
      connections: await import("@/lib/observe/node-connections"),
      snapshots: await import("@/lib/db/queries/snapshots"),
      repair: await import("@/lib/deploy/repair"),
      db: await import("@/lib/db/client"),
    };
    for (const [name, id] of await registerLabNodes(lab)) nodeIds.set(name, id);
    await addEntry("management", lab.panelAddress, "panel");
  });

  afterAll(async () => {
    m?.connections.closeAllNodeConnections();
    await m?.db.disconnectDb();
    await downLab(dir);
    await dropDatabase();
  });

  it("pushes to three nodes: each validates, applies and confirms over a new connection", async () => {
    const { summary, view } = await push({ target: { kind: "all" } });
    expect(summary.states).toEqual({ node1: "CONFIRMED", node2: "CONFIRMED", node3: "CONFIRMED" });
    expect(view.deployments[0]!.canary).toBe(true);
    for (const d of view.deployments) {
      expect(d.state).toBe("CONFIRMED");
      expect(runningVersion(d.nodeName)).toBe(d.rulesetHash);
      expect(onNode(d.nodeName, ["iptables", "-w", "-C", "INPUT", "-j", "RAMPART-INPUT"]).status).toBe(0);
    }
    // Pushing the version a node already runs applies it again (never skipped on a digest match) and confirms.
    const again = await push({ target: { kind: "nodes", names: ["node1"] } });
    expect(again.byNode.node1!.state).toBe("CONFIRMED");
    expect(again.byNode.node1!.rulesetHash).toBe(view.deployments.find((d) => d.nodeName === "node1")!.rulesetHash);
    expect(again.byNode.node1!.message).toMatch(/^Confirmed over a new connection/);
  });

  it("hides the nodes from svmap while scanner signatures are on, and shows them when they are off", async () => {
    const scan = () => runOk("timeout", ["60", "ip", "netns", "exec", attacker(), "svmap", "-t", "1", "198.18.0.10-12"]);
    const hidden = scan();
    for (const node of lab.nodes) expect(hidden).not.toContain(`${node.host}:5060`);

    for (const signature of await m.scanners.listScanners(caller)) await m.scanners.updateScanner(caller, signature.id, { enabled: false });
    const { summary } = await push({ target: { kind: "all" } });
    expect(Object.values(summary.states).every((s) => s === "CONFIRMED")).toBe(true);
    const found = scan();
    for (const node of lab.nodes) expect(found).toContain(`${node.host}:5060`);
  });

  it("svcrack gets the attacker banned by the node's fail2ban, while a whitelisted source is never banned", async () => {
    const [sourceA, whitelisted] = lab.attacker.addresses as [string, string, string];
    await addEntry("whitelist", whitelisted, "trusted office");
    await push({ target: { kind: "all" } });
    const node = lab.nodes[0]!;
    const dictionary = join(dir, "passwords.txt");
    writeFileSync(dictionary, Array.from({ length: 12 }, (_, i) => `wrong${i}\n`).join(""));
    // sipvicious ignores its own -b: the kernel picks each run's source address.
    try {
      for (const source of [whitelisted, sourceA]) {
        setAttackerSource(attacker(), source);
        run("timeout", ["40", "ip", "netns", "exec", attacker(), "svcrack", "-u", node.sip.extension, "-d", dictionary, node.host]);
      }
    } finally {
      setAttackerSource(attacker(), sourceA);
    }
    const failuresFrom = (source: string) =>
      (readFileSync(node.logPaths.asteriskSecurity, "utf8").match(new RegExp(`SecurityEvent="ChallengeResponseFailed".*RemoteAddress="IPV4/UDP/${source.replaceAll(".", "\\.")}/`, "g")) ?? []).length;
    expect(failuresFrom(whitelisted)).toBeGreaterThanOrEqual(12);
    await waitFor(`ban of ${sourceA} on ${node.name}`, () => banned(node.name, "rampart-asterisk").includes(sourceA), 30_000);
    expect(onNode(node.name, ["ipset", "test", "rampart-f2b-voip4", sourceA]).status).toBe(0);
    expect(probe(node.host, sourceA)).toBe("timeout");
    // The whitelisted source failed more often than the ban threshold, is in no jail and still reaches the node.
    expect(banned(node.name, "rampart-asterisk")).not.toContain(whitelisted);
    expect(probe(node.host, whitelisted)).toMatch(SIP_ANSWERED);
  });

  it("drops a lab range mapped to a disallowed country under a GeoIP full-server policy", async () => {
    const outsider = lab.attacker.addresses[2]!;
    const node = lab.nodes[1]!;
    expect(probe(node.host, outsider)).toMatch(SIP_ANSWERED);
    await m.settings.updateGeoIpSettings(caller, { mode: "FULL_SERVER", countries: ["CH"] });
    const { summary } = await push({ target: { kind: "all" } });
    expect(Object.values(summary.states).every((s) => s === "CONFIRMED")).toBe(true);
    expect(probe(node.host, outsider)).toBe("timeout");
    await m.settings.updateGeoIpSettings(caller, { mode: "OFF", countries: [] });
  });

  it("never lets a policy cut off the panel: with the panel in no management network and blocklisted, the push confirms", async () => {
    const management = await m.entries.listManagementAccess(caller);
    for (const entry of management) await m.entries.deleteAddressEntry(caller, { kind: "management" }, entry.id);
    // With no management network at all, default deny would leave the node to the panel alone: refused up front.
    await expect(m.batch.startPush(caller, { target: { kind: "nodes", names: ["node1"] }, timerSeconds: 10 })).rejects.toThrow(/^Refused: no management network\./);
    // An administrator's workstation (not the panel) is the management network; the panel is let in by its own rule.
    const workstation = await addEntry("management", lab.attacker.addresses[2]!, "admin workstation");
    const block = await addEntry("blocklist", lab.panelAddress, "lockout test");
    const { byNode } = await push({ target: { kind: "nodes", names: ["node1"] }, timerSeconds: 10 });
    expect(byNode.node1!.state).toBe("CONFIRMED");
    await m.entries.deleteAddressEntry(caller, { kind: "blocklist" }, block.entry.id);
    await m.entries.deleteAddressEntry(caller, { kind: "management" }, workstation.entry.id);
    await addEntry("management", lab.panelAddress, "panel");
  });

  it("rolls back by itself, within the timer plus 10 s, a push whose confirmation cannot reach the node, and the panel records it", async () => {
    const before = runningVersion("node1");
    await addEntry("blocklist", "198.51.100.78", "rollback test");
    const timer = 10;
    const hostVeth = planTopology(3).nodes[0]!.hostVeth;
    const { byNode } = await push(
      { target: { kind: "nodes", names: ["node1"] }, timerSeconds: timer },
      {
        onStage: (_name: string, stage: string) => {
          if (stage !== "confirm") return;
          // The network between panel and node fails right after the apply, for longer than the timer.
          runOk("ip", ["link", "set", hostVeth, "down"]);
          setTimeout(() => runOk("ip", ["link", "set", hostVeth, "up"]), (timer + 6) * 1000);
        },
      },
    );
    const deployment = byNode.node1!;
    expect(deployment.state).toBe("ROLLED_BACK");
    expect(deployment.message).toMatch(/restored its previous version by itself/);
    expect(runningVersion("node1")).toBe(before);
    const rolledBackAt = Number(/^rollback_at=(\d+)$/m.exec(agentStatus("node1"))?.[1]) * 1000;
    const armedAt = deployment.rollbackAt!.getTime() - timer * 1000;
    expect(rolledBackAt - armedAt).toBeLessThanOrEqual((timer + 10) * 1000);
  });

  it("leaves the others confirmed and a node cut off mid-push on its old version", async () => {
    const before = runningVersion("node3");
    await addEntry("blocklist", "198.51.100.77", "new entry");
    const hostVeth = planTopology(3).nodes[2]!.hostVeth;
    try {
      const { byNode } = await push(
        { target: { kind: "all" }, canary: false, failureThreshold: 3 },
        {
          deadlines: { commandMs: 20_000, uploadMs: 15_000 },
          onStage: (name: string, stage: string) => {
            if (name === "node3" && stage === "upload") runOk("ip", ["link", "set", hostVeth, "down"]);
          },
        },
      );
      expect(byNode.node1!.state).toBe("CONFIRMED");
      expect(byNode.node2!.state).toBe("CONFIRMED");
      expect(byNode.node3!.state, byNode.node3!.message).toBe("UNREACHABLE");
      expect(byNode.node3!.message).toMatch(/Nothing was applied/);
    } finally {
      runOk("ip", ["link", "set", hostVeth, "up"]);
    }
    expect(runningVersion("node3")).toBe(before);
  });

  it("runs nothing on a node whose host key changed, and stops every command until it is re-pinned", async () => {
    const nodeId = nodeIds.get("node2")!;
    const pinned = lab.nodes[1]!.hostKeyFingerprint;
    // The node now presents a key other than the pinned one (as after a reinstall or an interception).
    await m.db.getDb().node.update({ where: { id: nodeId }, data: { hostKeyFingerprint: lab.nodes[2]!.hostKeyFingerprint } });
    const listing = () => {
      const root = join(readState(dir)!.nodes[1]!.dir, "var-lib-rampart");
      const walk = (p: string): string[] => readdirSync(p, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(p, e.name)) : [`${join(p, e.name)} ${statSync(join(p, e.name)).mtimeMs}`]));
      return walk(root).sort();
    };
    const filesBefore = listing();
    const { byNode } = await push({ target: { kind: "nodes", names: ["node2"] } });
    expect(byNode.node2!.state).toBe("FAILED");
    expect(byNode.node2!.message).toMatch(/host key changed/);
    const node = await m.db.getDb().node.findUniqueOrThrow({ where: { id: nodeId } });
    expect(node.hostKeyMismatchFingerprint).toBe(pinned);
    await sleep(200);
    expect(listing()).toEqual(filesBefore);
    // Until an administrator re-pins, Rampart does not even connect.
    const refused = await push({ target: { kind: "nodes", names: ["node2"] } });
    expect(refused.byNode.node2!.message).toMatch(/re-pin/);
    await m.db.getDb().node.update({ where: { id: nodeId }, data: { hostKeyFingerprint: pinned, hostKeyMismatchFingerprint: null, hostKeyMismatchAt: null } });
  });

  it("reports a manual iptables change to a Rampart chain as drift, and a fail2ban ban not", async () => {
    const node1 = nodeIds.get("node1")!;
    // node1 holds the svcrack ban from above; add one by hand on node2 too.
    expect(banned("node1", "rampart-asterisk")).toContain(lab.attacker.addresses[0]!);
    expect(onNode("node2", ["fail2ban-client", "set", "rampart-asterisk", "banip", "198.18.1.12"]).status).toBe(0);
    expect((await m.check.checkNodeDrift(caller, node1)).drifted).toBe(false);
    expect((await m.check.checkNodeDrift(caller, nodeIds.get("node2")!)).drifted).toBe(false);

    expect(onNode("node1", ["iptables", "-w", "-I", "RAMPART-INPUT", "1", "-s", "198.18.1.99", "-j", "ACCEPT"]).status).toBe(0);
    const drift = await m.check.checkNodeDrift(caller, node1);
    expect(drift.drifted).toBe(true);
    expect(drift.message).toMatch(/changed outside Rampart/);
  });

  it("CLI: push --wait repairs the drift and exits 0; rollback --to an earlier version; nodes list --json", async () => {
    const cli = (args: string[]) => run("timeout", ["180", process.execPath, "--import", "tsx", "cli/rampart.ts", ...args]);
    const before = runningVersion("node1");
    const pushed = cli(["push", "--node", "node1", "--wait", "--timer", "30"]);
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(pushed.stdout).toMatch(/^node1\tCONFIRMED\t/m);
    expect((await m.check.checkNodeDrift(caller, nodeIds.get("node1")!)).drifted).toBe(false);
    expect(runningVersion("node1")).toBe(before);

    const listed = JSON.parse(cli(["nodes", "list", "--json"]).stdout) as Array<{ name: string }>;
    expect(listed.map((n) => n.name).sort()).toEqual(["node1", "node2", "node3"]);

    // The first version this test pushed (before the scanner signatures were turned off) is stored for good.
    const first = await m.db.getDb().rulesetVersion.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
    const rolled = cli(["rollback", "--to", first.hash.slice(0, 12), "--node", "node1", "--wait", "--timer", "30"]);
    expect(rolled.status, rolled.stderr).toBe(0);
    expect(runningVersion("node1")).toBe(first.hash);

    // A target that cannot be confirmed makes --wait fail.
    const refused = cli(["push", "--node", "nosuchnode", "--wait"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/nosuchnode/);
  });

  it("reports a rule inserted ahead of Rampart's jump and a swapped whitelist member as drift within one poll; the repair action repairs both", async () => {
    const name = "node1";
    const poll = async () => {
      await m.collector.collectNode(nodeIds.get(name)!);
      return (await m.snapshots.clusterHealth(caller)).find((h) => h.name === name)!;
    };
    const pushed = await push({ target: { kind: "nodes", names: [name] } });
    expect(pushed.byNode[name]!.state).toBe("CONFIRMED");
    expect(onNode(name, ["iptables", "-w", "-S", "INPUT"]).stdout.split("\n").find((l) => l.startsWith("-A INPUT"))).toBe("-A INPUT -j RAMPART-INPUT");
    expect((await poll()).isDrifted).toBe(false);
    const intruder = "198.18.1.66";

    // A bypass ahead of the jump: Rampart's chains are untouched, yet the node no longer enforces them.
    expect(onNode(name, ["iptables", "-w", "-I", "INPUT", "1", "-s", intruder, "-j", "ACCEPT"]).status).toBe(0);
    const bypassed = await poll();
    expect([bypassed.isDrifted, bypassed.driftMessage]).toEqual([true, expect.stringMatching(/changed outside Rampart/)]);
    expect(onNode(name, ["iptables", "-w", "-D", "INPUT", "-s", intruder, "-j", "ACCEPT"]).status).toBe(0);
    expect((await poll()).isDrifted).toBe(false);

    // A whitelist member swapped for the intruder: same set, same size, another address trusted on every port.
    const whitelist = onNode(name, ["ipset", "list", "-n"]).stdout.split("\n").find((l) => /^rampart-wl4-/.test(l))!;
    const member = /^add \S+ (\S+)/m.exec(onNode(name, ["ipset", "save", whitelist]).stdout)![1]!;
    expect(onNode(name, ["ipset", "del", whitelist, member]).status).toBe(0);
    expect(onNode(name, ["ipset", "add", whitelist, intruder]).status).toBe(0);
    expect((await poll()).isDrifted).toBe(true);

    // Both at once, repaired in one action: the repair re-applies the confirmed version (never skipped on a digest).
    expect(onNode(name, ["iptables", "-w", "-I", "INPUT", "1", "-s", intruder, "-j", "ACCEPT"]).status).toBe(0);
    expect((await poll()).isDrifted).toBe(true);
    const repair = await m.repair.repairNode(caller, nodeIds.get(name)!, { timerSeconds: 30 });
    expect(repair.version).toBe(pushed.byNode[name]!.rulesetHash);
    expect((await repair.done).states[name]).toBe("CONFIRMED");
    expect(onNode(name, ["ipset", "test", whitelist, intruder]).status).not.toBe(0);
    expect(onNode(name, ["ipset", "test", whitelist, member]).status).toBe(0);
    expect(onNode(name, ["iptables", "-w", "-S", "INPUT"]).stdout.split("\n").find((l) => l.startsWith("-A INPUT"))).toBe("-A INPUT -j RAMPART-INPUT");
    onNode(name, ["iptables", "-w", "-D", "INPUT", "-s", intruder, "-j", "ACCEPT"]);
    expect((await poll()).isDrifted).toBe(false);
  });
});

if (shouldSkip) describe("safe push to lab nodes (SKIPPED: prerequisites missing)", () => {
  it("needs root, the lab tools and no running lab", () => {
    expect(missing.length > 0 || isLabBusy).toBe(true);
  });
});
