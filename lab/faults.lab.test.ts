/**
 * Faults injected into real pushes on two lab nodes, through the code the dashboard and the CLI use. After
 * each, once the dust settles, the panel's record of every node (the deployment's state and version, the
 * collector's running version and drift) must equal what the node's agent reports, and the node must run
 * exactly its old or its new confirmed version — with no later push needed to make that true:
 *  - sshd killed while the apply runs and started again 4 s later: the node applied by itself (the apply is
 *    detached), so the push waits for it and confirms;
 *  - the answer to `confirm` lost: the node confirmed, then sshd died before the answer left; the next
 *    `confirm` finds nothing to confirm, and the panel asks the node instead of recording a rollback;
 *  - the node's disk full from the confirm until after the timer: the confirmation cannot be written, so the
 *    node keeps its timer, rolls back by itself, and the panel records the rollback;
 *  - a validation the node refuses (a broken file in its fail2ban configuration) leaves no temporary set in
 *    the kernel and the node on its old version;
 *  - the node's host key changed between the apply and the confirmation: nothing more is run there, the push
 *    stays unsettled (APPLIED) with the alert, the node's own timer restores its old version, and once the key
 *    is re-pinned the reconciler records that rollback from the node's status;
 *  - the panel process killed right after the apply (lab/push-and-die.ts): the reconciler that runs at start-up
 *    and in every collector round settles the deployment from the node's status — confirmed while the node
 *    still has it pending, the node's own rollback once its timer has fired.
 * Root only; skipped otherwise (RAMPART_REQUIRE_ALL=1 makes that a failure), and while another lab is up.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { isEverySuiteRequired, missingPrerequisites, run, runOk } from "@/test/rules/netns";

import { downLab, killNodeSshd, LAB_TOOLS, nodeDirs, nodeExecArgv, startNodeSshd, upLab, type LabDescription } from "./cluster";
import { runAsync, runAsyncOk, sleep } from "./exec";
import { netnsEtcDir } from "./fail2ban";
import { labNodeReader, registerLabNodes, useLabDatabase } from "./testing";
import { LAB_BRIDGE } from "./topology";

const missing = missingPrerequisites(LAB_TOOLS);
const isLabBusy = run("ip", ["link", "show", LAB_BRIDGE]).status === 0;
const shouldSkip = (missing.length > 0 || isLabBusy) && !isEverySuiteRequired();

const TIMER_SECONDS = 20;

if (!shouldSkip) describe("pushes under injected faults: the panel's record equals the node's state", () => {
  const dir = mkdtempSync(join(tmpdir(), "rampart-faults-lab-"));
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
    db: typeof import("@/lib/db/client");
  };
  const admin = { role: "ADMIN" as const, tenantId: null, actor: { type: "CLI" as const, id: null, label: "faults-lab-test" } };
  const nodeIds = new Map<string, string>();
  let tmpfsMounted = false;
  let entry = 0;

  const { nodeState, onNode, agentStatus, rampartRules } = labNodeReader(dir);

  async function push(names: string[], runner: Parameters<typeof m.batch.startPush>[2] = {}) {
    // A new entry each time, so every push is a new version.
    entry += 1;
    await m.entries.createAddressEntry(admin, { kind: "blocklist" }, m.entrySchema.entryCreateSchema.parse({ network: `198.51.100.${entry}`, comment: `fault ${entry}` }));
    const { batchId, done } = await m.batch.startPush(admin, { target: { kind: "nodes", names }, canary: false, timerSeconds: TIMER_SECONDS }, runner);
    await done;
    return (await m.batch.getPushBatch(admin, batchId)).deployments;
  }

  /** The record of each pushed node equals the node: state and version, then the collector's view. */
  async function expectRecordsMatchNodes(deployments: Awaited<ReturnType<typeof push>>, before: Map<string, { version: string; rules: string }>) {
    for (const d of deployments) {
      const node = agentStatus(d.nodeName);
      expect([d.nodeName, node.pending]).toEqual([d.nodeName, ""]);
      expect([d.nodeName, node.digest]).toEqual([d.nodeName, node.confirmedDigest]);
      if (d.state === "CONFIRMED") {
        expect([d.nodeName, node.version]).toEqual([d.nodeName, d.rulesetHash]);
      } else {
        expect([d.nodeName, d.state, node.version]).toEqual([d.nodeName, d.state, before.get(d.nodeName)!.version]);
        expect(rampartRules(d.nodeName)).toBe(before.get(d.nodeName)!.rules);
      }
      await m.collector.collectNode(nodeIds.get(d.nodeName)!);
      const health = (await m.snapshots.clusterHealth(admin)).find((h) => h.name === d.nodeName)!;
      expect([d.nodeName, health.runningVersion, health.isDrifted]).toEqual([d.nodeName, node.version, false]);
    }
  }
  const snapshotOf = (names: string[]) => new Map(names.map((n) => [n, { version: agentStatus(n).version, rules: rampartRules(n) }]));

  beforeAll(async () => {
    lab = await upLab(2, dir);
    const database = await useLabDatabase(lab, dir, "rampart_faults_lab");
    dropDatabase = database.drop;
    m = {
      batch: await import("@/lib/deploy/batch"),
      entries: await import("@/lib/db/queries/address-entries"),
      entrySchema: await import("@/lib/validation/address-entry"),
      collector: await import("@/lib/observe/collector"),
      connections: await import("@/lib/observe/node-connections"),
      snapshots: await import("@/lib/db/queries/snapshots"),
      reconcile: await import("@/lib/deploy/reconcile"),
      db: await import("@/lib/db/client"),
    };
    for (const [name, id] of await registerLabNodes(lab)) nodeIds.set(name, id);
    const [, , adminWorkstation] = lab.attacker.addresses as [string, string, string];
    await m.entries.createAddressEntry(admin, { kind: "management" }, m.entrySchema.entryCreateSchema.parse({ network: adminWorkstation, comment: "admin workstation" }));
    // node2's /var/lib/rampart is a small file system of its own, so its disk can be filled; its sshd is
    // started again so that its sessions see it.
    runOk("mount", ["-t", "tmpfs", "-o", "size=8m,mode=0755", "tmpfs", nodeDirs(nodeState("node2").dir).varLibRampart]);
    tmpfsMounted = true;
    await killNodeSshd("node2", dir);
    await startNodeSshd("node2", dir);
    const first = await push(["node1", "node2"]);
    for (const d of first) expect([d.nodeName, d.state, d.message]).toEqual([d.nodeName, "CONFIRMED", d.message]);
  }, 180_000);

  afterAll(async () => {
    m?.connections.closeAllNodeConnections();
    await m?.db.disconnectDb();
    if (tmpfsMounted) {
      await killNodeSshd("node2", dir).catch(() => undefined);
      run("umount", ["-l", nodeDirs(nodeState("node2").dir).varLibRampart]);
    }
    await downLab(dir);
    await dropDatabase();
  });

  it("waits for a node whose sshd died during the apply and confirms once it is back", async () => {
    const before = snapshotOf(["node1"]);
    const deployments = await push(["node1"], {
      onStage: (_name, stage) => {
        if (stage !== "apply") return;
        setTimeout(() => void killNodeSshd("node1", dir).then(() => sleep(4_000)).then(() => startNodeSshd("node1", dir)), 150);
      },
    });
    expect(deployments.map((d) => [d.nodeName, d.state, d.message])).toEqual([["node1", "CONFIRMED", expect.any(String)]]);
    await expectRecordsMatchNodes(deployments, before);
  });

  it("records a confirmation whose answer was lost as confirmed, by asking the node", async () => {
    const before = snapshotOf(["node1"]);
    let holder: ReturnType<typeof spawn> | undefined;
    const deployments = await push(["node1"], {
      onStage: (_name, stage) => {
        if (stage !== "confirm") return;
        // The node lock held for 3 s: the first confirm waits on it, sshd dies meanwhile, and the confirm then
        // completes on the node with nobody to answer.
        holder = spawn("ip", nodeExecArgv(nodeState("node1").namespace, nodeState("node1").dir, ["flock", "/var/lib/rampart/lock", "sleep", "3"]), { stdio: "ignore" });
        setTimeout(() => void killNodeSshd("node1", dir).then(() => sleep(5_000)).then(() => startNodeSshd("node1", dir)), 1_500);
      },
    });
    holder?.kill();
    const d = deployments[0]!;
    expect([d.state, d.message]).toEqual(["CONFIRMED", expect.stringMatching(/an earlier confirmation's answer was lost/)]);
    await expectRecordsMatchNodes(deployments, before);
  });

  it("keeps the rollback timer when the disk is full at the confirm; the node rolls back and the panel says so", async () => {
    const before = snapshotOf(["node2"]);
    const ballast = join(nodeDirs(nodeState("node2").dir).varLibRampart, "ballast");
    const fill = () => {
      const fs = statfsSync(nodeDirs(nodeState("node2").dir).varLibRampart);
      run("fallocate", ["-l", String(fs.bavail * fs.bsize), ballast]);
      run("dd", ["if=/dev/zero", `of=${ballast}.rest`, "bs=4k"]); // whatever fallocate left
    };
    try {
      const deployments = await push(["node2"], {
        onStage: (_name, stage) => {
          if (stage === "confirm") fill();
        },
      });
      const d = deployments[0]!;
      expect(d.state, d.message).toBe("ROLLED_BACK");
      expect(d.message).toMatch(/restored its previous version by itself|runs its previous version/);
      rmSync(ballast, { force: true });
      rmSync(`${ballast}.rest`, { force: true });
      await expectRecordsMatchNodes(deployments, before);
    } finally {
      rmSync(ballast, { force: true });
      rmSync(`${ballast}.rest`, { force: true });
    }
  });

  it("unloads the temporary sets of a validation the node refuses, and stays on its old version", async () => {
    const before = snapshotOf(["node1"]);
    const broken = join(netnsEtcDir(nodeState("node1").namespace), "fail2ban", "jail.d", "zz-broken.local");
    writeFileSync(broken, "[broken\nenabled = maybe\n");
    try {
      const deployments = await push(["node1"]);
      const d = deployments[0]!;
      expect([d.state, d.message]).toEqual(["FAILED", expect.stringMatching(/^Validation failed; nothing was applied: .*fail2ban rejected the configuration/)]);
      expect(onNode("node1", ["ipset", "list", "-n"]).stdout.split("\n").filter((n) => n.endsWith("-new"))).toEqual([]);
      await expectRecordsMatchNodes(deployments, before);
    } finally {
      rmSync(broken, { force: true });
    }
  });

  it("stops at a host key that changed between the apply and the confirmation; the node's timer restores it", async () => {
    const before = snapshotOf(["node1"]);
    const hostKey = join(dirname(nodeState("node1").sshdPidFile), "ssh_host_ed25519_key");
    const saved = `${hostKey}.saved`;
    copyFileSync(hostKey, saved);
    copyFileSync(`${hostKey}.pub`, `${saved}.pub`);
    const nodeId = nodeIds.get("node1")!;
    try {
      const deployments = await push(["node1"], {
        onStage: async (_name, stage) => {
          if (stage !== "confirm") return;
          // Another machine answers at the node's address: a new host key behind the same sshd configuration.
          await killNodeSshd("node1", dir);
          rmSync(hostKey, { force: true });
          rmSync(`${hostKey}.pub`, { force: true });
          await runAsyncOk("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
          await startNodeSshd("node1", dir);
        },
      });
      const d = deployments[0]!;
      expect([d.state, d.message]).toEqual(["APPLIED", expect.stringMatching(/^The node's host key changed: expected SHA256:\S+, received SHA256:\S+\. No command was run\. Rampart cannot ask this node what it runs until its key is re-pinned/)]);
      const alert = await m.db.getDb().node.findUniqueOrThrow({ where: { id: nodeId }, select: { hostKeyMismatchFingerprint: true } });
      expect(alert.hostKeyMismatchFingerprint).toMatch(/^SHA256:/);
      // Its timer restores the old version by itself; while the alert stands, nothing asks the node.
      await sleep((TIMER_SECONDS + 3) * 1000);
      expect(agentStatus("node1").version).toBe(before.get("node1")!.version);
      expect(await m.reconcile.reconcileInFlightDeployments({ olderThanMs: 0 })).toBe(0);
      // The genuine node back and its key re-pinned: the reconciler records what the node did.
      await killNodeSshd("node1", dir);
      copyFileSync(saved, hostKey);
      copyFileSync(`${saved}.pub`, `${hostKey}.pub`);
      await startNodeSshd("node1", dir);
      await m.db.getDb().node.update({ where: { id: nodeId }, data: { hostKeyMismatchFingerprint: null, hostKeyMismatchAt: null } });
      expect(await m.reconcile.reconcileInFlightDeployments({ olderThanMs: 0 })).toBe(1);
      const row = await m.db.getDb().deployment.findUniqueOrThrow({ where: { id: d.id } });
      expect([row.state, row.message]).toEqual(["ROLLED_BACK", expect.stringMatching(/restored its previous version by itself .*not confirmed within 20 s/)]);
      await expectRecordsMatchNodes([{ ...d, state: row.state, message: row.message }], before);
    } finally {
      await killNodeSshd("node1", dir);
      copyFileSync(saved, hostKey);
      copyFileSync(`${saved}.pub`, `${hostKey}.pub`);
      await startNodeSshd("node1", dir);
      await m.db.getDb().node.update({ where: { id: nodeId }, data: { hostKeyMismatchFingerprint: null, hostKeyMismatchAt: null } });
    }
  });

  it("settles a push whose panel process was killed after the apply from the node's status", async () => {
    const dieAfterApply = async (timer: number) => {
      entry += 1;
      await m.entries.createAddressEntry(admin, { kind: "blocklist" }, m.entrySchema.entryCreateSchema.parse({ network: `198.51.100.${entry}`, comment: `fault ${entry}` }));
      const child = await runAsync("timeout", ["120", process.execPath, "--import", "tsx", "lab/push-and-die.ts", "node1", String(timer)]);
      expect(child.status, child.stderr).not.toBe(0);
      const row = await m.db.getDb().deployment.findFirstOrThrow({ where: { node: { name: "node1" } }, orderBy: { createdAt: "desc" }, include: { ruleset: { select: { hash: true } } } });
      expect([row.state, row.ruleset.hash === agentStatus("node1").version]).toEqual(["APPLIED", false]);
      expect(agentStatus("node1").pending).toBe(row.id);
      return row;
    };
    const view = async (id: string) => {
      const row = await m.db.getDb().deployment.findUniqueOrThrow({ where: { id }, include: { ruleset: { select: { hash: true } } } });
      return [{ nodeName: "node1", state: row.state, message: row.message, rulesetHash: row.ruleset.hash }] as Awaited<ReturnType<typeof push>>;
    };

    // Settled while the node still has it pending: the reconciler confirms it, as the push would have.
    let before = snapshotOf(["node1"]);
    const pending = await dieAfterApply(60);
    expect(await m.reconcile.reconcileInFlightDeployments({ olderThanMs: 0 })).toBe(1);
    const confirmed = await view(pending.id);
    expect([confirmed[0]!.state, confirmed[0]!.message]).toEqual(["CONFIRMED", expect.stringMatching(/^Confirmed after an interruption/)]);
    await expectRecordsMatchNodes(confirmed, before);

    // Settled after the node's timer fired: the node's own rollback is recorded, with its reason.
    before = snapshotOf(["node1"]);
    const expired = await dieAfterApply(10);
    await sleep(13_000);
    expect(await m.reconcile.reconcileInFlightDeployments({ olderThanMs: 0 })).toBe(1);
    const rolledBack = await view(expired.id);
    expect([rolledBack[0]!.state, rolledBack[0]!.message]).toEqual(["ROLLED_BACK", expect.stringMatching(/restored its previous version by itself .*not confirmed within 10 s/)]);
    await expectRecordsMatchNodes(rolledBack, before);
    const lease = await m.db.getDb().node.findFirstOrThrow({ where: { name: "node1" }, select: { pushLeaseHolder: true } });
    expect(lease.pushLeaseHolder).toBeNull();
  });
});

if (shouldSkip) describe("pushes under injected faults (SKIPPED: prerequisites missing)", () => {
  it("needs root, the lab tools and no running lab", () => {
    expect(missing.length > 0 || isLabBusy).toBe(true);
  });
});
