/**
 * Every stage of a push against every fault, on five lab nodes through the code the dashboard and the CLI use.
 * One round per fault; in each round the five stages run at once, one per node:
 *   node1 upload · node2 validate · node3 apply (150 ms in) · node4 the timer window (after the apply's answer,
 *   before the confirmation) · node5 confirm (during the command: the node lock is held for 3 s, the fault
 *   strikes 1.5 s in)
 * Faults, each lifted RECOVER_MS later as an operator or the network would:
 *   link     the node's link to the panel goes down
 *   sshd     the node's sshd and every open connection are killed, then started again
 *   disk     the node's /var/lib/rampart (a small file system of its own) fills up, then is freed
 *   hostkey  another host key answers at the node's address, then the genuine one again (and is re-pinned)
 *   panel    the panel process pushing is killed (lab/push-and-die.ts); a restarted one runs the reconciler
 * After each round, once every node's rollback timer has had its chance: the reconciler runs once (as it does
 * at start-up and in every collector round), then every deployment must be final and the panel's record of
 * every node — deployment state and version, the collector's running version and drift — must equal what the
 * node's agent reports, with the node on exactly its old or its new version. Which of the two is not asserted:
 * it depends on where the fault struck; that the record tells the truth is. No later push is needed for it.
 * Root only; skipped otherwise (RAMPART_REQUIRE_ALL=1 makes that a failure), and while another lab is up.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { isEverySuiteRequired, missingPrerequisites, run, runOk } from "@/test/rules/netns";

import { downLab, killNodeSshd, LAB_TOOLS, nodeDirs, nodeExecArgv, startNodeSshd, upLab, type LabDescription } from "./cluster";
import { runAsync, runAsyncOk, sleep, waitFor } from "./exec";
import { labNodeReader, registerLabNodes, useLabDatabase } from "./testing";
import { LAB_BRIDGE, planTopology } from "./topology";

const missing = missingPrerequisites(LAB_TOOLS);
const isLabBusy = run("ip", ["link", "show", LAB_BRIDGE]).status === 0;
const shouldSkip = (missing.length > 0 || isLabBusy) && !isEverySuiteRequired();

const STAGES = ["upload", "validate", "apply", "timer", "confirm"] as const;
const FAULTS = ["link", "sshd", "disk", "hostkey", "panel"] as const;
type Stage = (typeof STAGES)[number];
type Fault = (typeof FAULTS)[number];
const TIMER_SECONDS = 12;
const RECOVER_MS = 5_000;
const NODES = STAGES.length;

if (!shouldSkip) describe("every push stage under every fault: the panel's record equals the node", () => {
  const dir = mkdtempSync(join(tmpdir(), "rampart-fault-matrix-"));
  let lab: LabDescription;
  let dropDatabase: () => Promise<void> = async () => {};
  let m: {
    batch: typeof import("@/lib/deploy/batch");
    entries: typeof import("@/lib/db/queries/address-entries");
    entrySchema: typeof import("@/lib/validation/address-entry");
    collector: typeof import("@/lib/observe/collector");
    connections: typeof import("@/lib/observe/node-connections");
    snapshots: typeof import("@/lib/db/queries/snapshots");
    reconcile: typeof import("@/lib/deploy/reconcile");
    deployments: typeof import("@/lib/db/queries/deployments");
    db: typeof import("@/lib/db/client");
  };
  const admin = { role: "ADMIN" as const, tenantId: null, actor: { type: "CLI" as const, id: null, label: "fault-matrix" } };
  const nodeIds = new Map<string, string>();
  const mounted: string[] = [];
  let entry = 0;

  const nameOf = (stage: Stage) => `node${STAGES.indexOf(stage) + 1}`;
  const { nodeState, agentStatus, rampartRules } = labNodeReader(dir);
  const hostKeyOf = (name: string) => join(dirname(nodeState(name).sshdPidFile), "ssh_host_ed25519_key");

  /** Strikes FAULT on node NAME; returns what lifts it. */
  async function strike(fault: Fault, name: string): Promise<() => Promise<void>> {
    switch (fault) {
      case "link": {
        const veth = planTopology(NODES).nodes.find((n) => n.name === name)!.hostVeth;
        runOk("ip", ["link", "set", veth, "down"]);
        return async () => void runOk("ip", ["link", "set", veth, "up"]);
      }
      case "sshd":
        await killNodeSshd(name, dir);
        return async () => void (await startNodeSshd(name, dir));
      case "disk": {
        const root = nodeDirs(nodeState(name).dir).varLibRampart;
        const fs = statfsSync(root);
        run("fallocate", ["-l", String(fs.bavail * fs.bsize), join(root, "ballast")]);
        run("dd", ["if=/dev/zero", `of=${join(root, "ballast.rest")}`, "bs=4k"]);
        return async () => {
          rmSync(join(root, "ballast"), { force: true });
          rmSync(join(root, "ballast.rest"), { force: true });
        };
      }
      case "hostkey": {
        const key = hostKeyOf(name);
        await killNodeSshd(name, dir);
        rmSync(key, { force: true });
        rmSync(`${key}.pub`, { force: true });
        await runAsyncOk("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
        await startNodeSshd(name, dir);
        return async () => {
          await killNodeSshd(name, dir);
          copyFileSync(`${key}.genuine`, key);
          copyFileSync(`${key}.genuine.pub`, `${key}.pub`);
          await startNodeSshd(name, dir);
        };
      }
      case "panel":
        throw new Error("the panel fault kills a process of its own");
    }
  }

  /** One push to the stage's node with the fault struck at that stage; resolves once the fault is lifted. */
  async function runCase(fault: Fault, stage: Stage): Promise<void> {
    const name = nameOf(stage);
    if (fault === "panel") {
      const node = nodeState(name);
      const child = await runAsync("timeout", ["120", process.execPath, "--import", "tsx", "lab/push-and-die.ts", name, String(TIMER_SECONDS), stage, node.namespace, node.dir]);
      expect([name, child.status]).not.toEqual([name, 0]);
      await sleep(RECOVER_MS); // the panel restarts
      return;
    }
    let lifted: Promise<void> = Promise.resolve();
    const hit = (delayMs: number) => {
      lifted = new Promise((resolve) =>
        setTimeout(() => {
          void strike(fault, name)
            .then((lift) => sleep(RECOVER_MS).then(lift))
            .catch((error: unknown) => console.error(`fault ${fault} on ${name}:`, error))
            .finally(resolve);
        }, delayMs),
      );
    };
    const { done } = await m.batch.startPush(admin, { target: { kind: "nodes", names: [name] }, timerSeconds: TIMER_SECONDS }, {
      onStage: (_node, current) => {
        if (stage === "upload" && current === "upload") hit(0);
        if (stage === "validate" && current === "validate") hit(0);
        if (stage === "apply" && current === "apply") hit(150);
        if (stage === "timer" && current === "confirm") hit(0);
        if (stage === "confirm" && current === "confirm") {
          spawn("ip", nodeExecArgv(nodeState(name).namespace, nodeState(name).dir, ["flock", "/var/lib/rampart/lock", "sleep", "3"]), { stdio: "ignore" });
          hit(1_500);
        }
      },
    });
    await done;
    await lifted;
  }

  beforeAll(async () => {
    lab = await upLab(NODES, dir);
    const database = await useLabDatabase(lab, dir, "rampart_fault_matrix");
    dropDatabase = database.drop;
    m = {
      batch: await import("@/lib/deploy/batch"),
      entries: await import("@/lib/db/queries/address-entries"),
      entrySchema: await import("@/lib/validation/address-entry"),
      collector: await import("@/lib/observe/collector"),
      connections: await import("@/lib/observe/node-connections"),
      snapshots: await import("@/lib/db/queries/snapshots"),
      reconcile: await import("@/lib/deploy/reconcile"),
      deployments: await import("@/lib/db/queries/deployments"),
      db: await import("@/lib/db/client"),
    };
    for (const [name, id] of await registerLabNodes(lab)) nodeIds.set(name, id);
    const [, , adminWorkstation] = lab.attacker.addresses as [string, string, string];
    await m.entries.createAddressEntry(admin, { kind: "management" }, m.entrySchema.entryCreateSchema.parse({ network: adminWorkstation, comment: "admin workstation" }));
    // Every node's /var/lib/rampart on a small file system of its own (the disk fault fills it); sshd started
    // again so its sessions see it. The genuine host keys are kept for the host-key fault.
    for (const node of lab.nodes) {
      const root = nodeDirs(nodeState(node.name).dir).varLibRampart;
      runOk("mount", ["-t", "tmpfs", "-o", "size=8m,mode=0755", "tmpfs", root]);
      mounted.push(root);
      await killNodeSshd(node.name, dir);
      await startNodeSshd(node.name, dir);
      copyFileSync(hostKeyOf(node.name), `${hostKeyOf(node.name)}.genuine`);
      copyFileSync(`${hostKeyOf(node.name)}.pub`, `${hostKeyOf(node.name)}.genuine.pub`);
    }
    const { done } = await m.batch.startPush(admin, { target: { kind: "all" }, timerSeconds: TIMER_SECONDS });
    const first = await done;
    expect(first.isAllConfirmed, JSON.stringify(first.states)).toBe(true);
  }, 240_000);

  afterAll(async () => {
    m?.connections.closeAllNodeConnections();
    await m?.db.disconnectDb();
    for (const node of lab?.nodes ?? []) await killNodeSshd(node.name, dir).catch(() => undefined);
    for (const root of mounted) run("umount", ["-l", root]);
    await downLab(dir);
    await dropDatabase();
  });

  for (const fault of FAULTS) {
    it(`${fault}: at upload, validate, apply, the timer window and confirm, the record equals the node`, async () => {
      entry += 1;
      await m.entries.createAddressEntry(admin, { kind: "blocklist" }, m.entrySchema.entryCreateSchema.parse({ network: `198.51.100.${entry}`, comment: `matrix ${fault}` }));
      const names = STAGES.map(nameOf);
      const before = new Map(names.map((n) => [n, { version: agentStatus(n).version, rules: rampartRules(n) }]));
      const started = new Date();

      await Promise.all(STAGES.map((stage) => runCase(fault, stage)));

      // The dust settles: every node's timer has fired or been stopped, the administrator has re-pinned a key
      // that changed (the genuine one is back), and the reconciler has run.
      await waitFor("every node without a pending apply", () => names.every((n) => agentStatus(n).pending === ""), (TIMER_SECONDS + 20) * 1000);
      await m.db.getDb().node.updateMany({ data: { hostKeyMismatchFingerprint: null, hostKeyMismatchAt: null } });
      await m.reconcile.reconcileInFlightDeployments({ olderThanMs: 0 });

      for (const stage of STAGES) {
        const name = nameOf(stage);
        const where = `${fault} at ${stage} (${name})`;
        const d = await m.db.getDb().deployment.findFirstOrThrow({
          where: { node: { name }, createdAt: { gte: started } },
          orderBy: { createdAt: "desc" },
          include: { ruleset: { select: { hash: true } } },
        });
        console.log(`fault matrix: ${where}: ${d.state} — ${d.message}`);
        expect([where, m.deployments.isFinalState(d.state)], d.message).toEqual([where, true]);
        const node = agentStatus(name);
        expect([where, node.pending, node.digest]).toEqual([where, "", node.confirmedDigest]);
        if (d.state === "CONFIRMED") {
          expect([where, node.version], d.message).toEqual([where, d.ruleset.hash]);
        } else {
          expect([where, d.state, node.version], d.message).toEqual([where, d.state, before.get(name)!.version]);
          expect([where, rampartRules(name)]).toEqual([where, before.get(name)!.rules]);
        }
        await m.collector.collectNode(nodeIds.get(name)!);
        const health = (await m.snapshots.clusterHealth(admin)).find((h) => h.name === name)!;
        expect([where, health.isReachable, health.runningVersion, health.isDrifted]).toEqual([where, true, node.version, false]);
      }
    }, 180_000);
  }
});

if (shouldSkip) describe("every push stage under every fault (SKIPPED: prerequisites missing)", () => {
  it("needs root, the lab tools and no running lab", () => {
    expect(missing.length > 0 || isLabBusy).toBe(true);
  });
});
