/**
 * The push state machine over a scripted transport: a small model of the node agent (probe, stage, validate,
 * apply with a rollback timer, confirm, status) with faults injected per command — lost answers, refused and
 * dropped connections, a changed host key, a node that rolls back by itself. Every branch must end in a record
 * that equals what the scripted node then runs. The lab (lab/push.lab.test.ts, lab/faults.lab.test.ts) proves
 * the same against the real agent.
 */
import { describe, expect, it } from "vitest";

import { renderRuleset } from "@/lib/rules/render";
import { emptyPolicy, FIXED_NOW, TINY_GEOIP } from "@/lib/rules/testing/fixtures";
import type { SshTarget } from "@/lib/ssh/session";
import type { NodeTransport } from "@/lib/ssh/transport";
import { DEFAULT_EXPOSURE } from "@/lib/validation/exposure";

import { pushVersionToNode, type PushUpdate } from "./node-push";
import { SCRIPTED_DIGEST as DIGEST, SCRIPTED_OLD_VERSION as OLD, SCRIPTED_PANEL as PANEL, ScriptedNode } from "./testing/scripted-node";

const DEPLOYMENT = "3f1c2e8a-1b2c-4d5e-8f90-123456789abc";
const TARGET: SshTarget = { host: "192.0.2.10", port: 22, user: "root", privateKey: "unused", hostKeyFingerprint: "SHA256:pinned" };
// Default deny (the shipped exposure), so the version admits the panel by its address only.
const rendered = renderRuleset({ ...emptyPolicy(), exposure: DEFAULT_EXPOSURE }, { nodeName: "pbx1", managementAddresses: ["203.0.113.7"], tags: [], panelAddresses: [PANEL] }, TINY_GEOIP, { now: FIXED_NOW });
const VERSION = { hash: rendered.hash, files: rendered.files, manifest: rendered.manifest };

async function push(node: ScriptedNode, timerSeconds = 30) {
  const updates: PushUpdate[] = [];
  const outcome = await pushVersionToNode({
    target: TARGET,
    version: VERSION,
    deploymentId: DEPLOYMENT,
    timerSeconds,
    agent: { script: "#!/bin/sh\n", hash: "c".repeat(64) },
    report: (update) => {
      updates.push(update);
    },
    graceMs: 0,
    transport: node.transport,
  });
  return { outcome, updates };
}

/** The record equals the node: CONFIRMED means it runs the version with nothing pending, anything else that it does not. */
function expectRecordMatches(state: string, node: ScriptedNode) {
  expect(node.pending).toBeNull();
  expect([state, node.version]).toEqual([state, state === "CONFIRMED" ? VERSION.hash : OLD]);
}

describe("pushVersionToNode over a scripted node", () => {
  it("uploads, validates, applies and confirms over a second connection", async () => {
    const node = new ScriptedNode();
    const { outcome, updates } = await push(node);
    expect([outcome.state, outcome.message, outcome.digest]).toEqual(["CONFIRMED", "Confirmed over a new connection; health check passed", DIGEST]);
    expect(node.calls).toEqual(["open", "probe", "stageReset", "validate", "apply", "open", "confirm"]);
    expect(updates.map((u) => u.state)).toContain("APPLIED");
    expectRecordMatches(outcome.state, node);
  });

  it("changes nothing on a node it cannot reach or whose host key changed", async () => {
    const refused = new ScriptedNode();
    refused.opens = ["refused"];
    const first = await push(refused);
    expect([first.outcome.state, first.outcome.message]).toEqual(["UNREACHABLE", expect.stringMatching(/Nothing was changed on the node\.$/)]);
    expect(refused.calls).toEqual(["open:refused"]);

    const changed = new ScriptedNode();
    changed.opens = ["hostkey"];
    const second = await push(changed);
    expect([second.outcome.state, second.outcome.hostKeyMismatch]).toEqual(["FAILED", "SHA256:other"]);
    expect(changed.calls).toEqual(["open:hostkey"]);
    expectRecordMatches(second.outcome.state, changed);
  });

  it("refuses before staging on a node that lacks a tool or would not let the panel in", async () => {
    const lacking = new ScriptedNode();
    lacking.tools = "has=iptables-restore\nhas=flock\nhas=setsid\nhas=sha256sum\n";
    const first = await push(lacking);
    expect([first.outcome.state, first.outcome.message]).toEqual(["FAILED", "The node lacks ip6tables-restore; nothing was changed."]);
    expect(lacking.calls).not.toContain("stageReset");

    const elsewhere = new ScriptedNode();
    elsewhere.client = "203.0.113.99";
    const second = await push(elsewhere);
    expect([second.outcome.state, second.outcome.message]).toEqual(["FAILED", expect.stringMatching(/^Refused: this version would not let the panel in\. The node sees the panel as 203\.0\.113\.99/)]);
    expect(elsewhere.uploads).toBe(0);
    expectRecordMatches(second.outcome.state, elsewhere);
  });

  it("stops at a failed validation or apply, saying nothing was applied or that the node restored itself", async () => {
    const invalid = new ScriptedNode().fault("validate", { kind: "answer", result: { code: 1, stdout: "", stderr: "error: fail2ban rejected the configuration: bad\n" } });
    const first = await push(invalid);
    expect([first.outcome.state, first.outcome.message]).toEqual(["FAILED", "Validation failed; nothing was applied: fail2ban rejected the configuration: bad"]);
    expect(invalid.calls).not.toContain("apply");

    const broken = new ScriptedNode().fault("apply", { kind: "answer", result: { code: 1, stdout: "failed iptables-restore failed", stderr: "" } });
    const second = await push(broken);
    expect([second.outcome.state, second.outcome.message]).toEqual(["FAILED", "Apply failed and the node restored its previous state: failed iptables-restore failed"]);
    expectRecordMatches(second.outcome.state, broken);
  });

  it("waits for a node whose connection dropped during the apply, and confirms it", async () => {
    const node = new ScriptedNode().fault("apply", { kind: "drop-after" });
    node.opens = ["ok", "refused", "refused"];
    const { outcome, updates } = await push(node);
    expect([outcome.state, outcome.message]).toEqual(["CONFIRMED", "Confirmed over a new connection; health check passed"]);
    expect(updates.some((u) => u.state === "APPLIED" && /Lost the connection during the apply/.test(u.message))).toBe(true);
    expectRecordMatches(outcome.state, node);
  });

  it("records a confirmation whose answer was lost as confirmed, by asking the node", async () => {
    const node = new ScriptedNode().fault("confirm", { kind: "drop-after" });
    const { outcome } = await push(node);
    expect([outcome.state, outcome.message]).toEqual(["CONFIRMED", "Confirmed (an earlier confirmation's answer was lost; the node reports this version)"]);
    expect(node.calls.filter((c) => c === "confirm")).toHaveLength(2);
    expectRecordMatches(outcome.state, node);
  });

  it("retries a confirmation the node refused while it still has the apply pending", async () => {
    const node = new ScriptedNode().fault("confirm", { kind: "answer", result: { code: 1, stdout: "", stderr: "error: another Rampart operation holds the node lock\n" } });
    const { outcome } = await push(node);
    expect([outcome.state, outcome.message]).toEqual(["CONFIRMED", "Confirmed over a new connection; health check passed"]);
    expect(node.calls.filter((c) => c === "confirm")).toHaveLength(2);
    expectRecordMatches(outcome.state, node);
  });

  it("records a health-check refusal as a rollback when the node restored its previous version", async () => {
    const node = new ScriptedNode();
    node.fault("confirm", { kind: "answer", result: { code: 1, stdout: "", stderr: "error: health check failed (fail2ban does not answer); the previous state was restored\n" } });
    // The refusal restored the node: model that by clearing the pending apply when the confirm is answered.
    const original = node.transport.open;
    const transport: NodeTransport = {
      open: async (target, deadlines) => {
        const channel = await original(target, deadlines);
        return {
          ...channel,
          run: async (command, timeout) => {
            const result = await channel.run(command, timeout);
            if (command === "confirm" && result.code !== 0 && node.pending) {
              node.lastRollback = { at: Math.floor(Date.now() / 1000), deployment: node.pending.deployment, reason: "health check failed" };
              node.pending = null;
            }
            return result;
          },
          close: () => channel.close(),
          get isClosed() {
            return channel.isClosed;
          },
        };
      },
    };
    const outcome = await pushVersionToNode({
      target: TARGET,
      version: VERSION,
      deploymentId: DEPLOYMENT,
      timerSeconds: 30,
      agent: { script: "#!/bin/sh\n", hash: "c".repeat(64) },
      report: () => undefined,
      graceMs: 0,
      transport,
    });
    expect([outcome.state, outcome.message]).toEqual(["ROLLED_BACK", "The node did not confirm and runs its previous version: health check failed (fail2ban does not answer); the previous state was restored"]);
    expectRecordMatches(outcome.state, node);
  });

  it("leaves a push unsettled (APPLIED, not final) when the host key changed after the apply: nothing more runs there", async () => {
    const node = new ScriptedNode();
    node.opens = ["ok", "hostkey"];
    const { outcome } = await push(node);
    expect([outcome.state, outcome.progress, outcome.hostKeyMismatch]).toEqual(["APPLIED", 100, "SHA256:other"]);
    expect(outcome.message).toMatch(/^The node's host key changed: .* Rampart cannot ask this node what it runs until its key is re-pinned; its rollback timer restores the previous version at \S+ unless the apply was confirmed\.$/);
    expect(node.calls.slice(-2)).toEqual(["apply", "open:hostkey"]);
  });

  it("records the node's own rollback when no confirmation reached it before its timer", async () => {
    const node = new ScriptedNode();
    node.timerSeconds = 2;
    node.isCutAfterApply = true;
    // The link comes back only after the node's timer has fired.
    const lift = setInterval(() => {
      if (node.pending !== null && Date.now() > node.pending.deadline * 1000 + 200) node.downUntil = 0;
    }, 50);
    const { outcome } = await push(node, 10).finally(() => clearInterval(lift));
    expect([outcome.state, outcome.message]).toEqual(["ROLLED_BACK", expect.stringMatching(/^The node restored its previous version by itself at .* \(not confirmed in time\)$/)]);
    expect(node.calls).not.toContain("confirm");
    expectRecordMatches(outcome.state, node);
  });
});
