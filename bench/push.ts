/**
 * Safe-push benchmark against lab nodes (real sshd, iptables, ipset, fail2ban in namespaces). Prints:
 *  - the 1,000,000-entry policy pushed to one node, stage by stage (upload, validate, apply, confirm);
 *  - a typical policy pushed to 10 nodes at once, against the same push to one node.
 * The transport and the node agent are the production ones (lib/deploy/node-push.ts); the database is left
 * out so the figures are the push itself. Needs root and the lab tools; says so and skips otherwise.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { downLab, upLab, type LabDescription } from "@/lab/cluster";
import { loadAgentScript } from "@/lib/deploy/agent-script";
import { pushVersionToNode, type PushOutcome } from "@/lib/deploy/node-push";
import { createMemoryGeoIpSource } from "@/lib/rules/geoip";
import { renderRuleset } from "@/lib/rules/render";
import { emptyPolicy, typicalSingleTenantPolicy } from "@/lib/rules/testing/fixtures";
import type { PolicySnapshot } from "@/lib/validation/policy";

import { labUnavailable } from "./lab";
import { randomBlocklist } from "./rules";

const FAN_OUT = 10;

/** A policy rendered for a lab node reached from the panel address PANEL (as management and panel address). */
export function render(snapshot: PolicySnapshot, panel: string) {
  return renderRuleset(snapshot, { nodeName: "bench", managementAddresses: [panel], panelAddresses: [panel], tags: [] }, createMemoryGeoIpSource("none", {}), { now: new Date() });
}

/** The production push of a rendered version to a lab node, confirmed or thrown; with its wall time. */
export async function pushTo(node: LabDescription["nodes"][number], rendered: ReturnType<typeof render>): Promise<PushOutcome & { wallSeconds: number }> {
  const started = Date.now();
  const outcome = await pushVersionToNode({
    target: { host: node.host, port: node.port, user: node.user, privateKey: readFileSync(node.keyPath, "utf8"), hostKeyFingerprint: node.hostKeyFingerprint },
    version: { hash: rendered.hash, files: rendered.files, manifest: rendered.manifest },
    deploymentId: randomUUID(),
    timerSeconds: 120,
    agent: loadAgentScript(),
    report: () => undefined,
  });
  if (outcome.state !== "CONFIRMED") throw new Error(`${node.name}: ${outcome.state} ${outcome.message}`);
  return { ...outcome, wallSeconds: (Date.now() - started) / 1000 };
}

const s = (value: number | undefined) => `${(value ?? 0).toFixed(2)} s`;

export async function benchPush(): Promise<void> {
  const unavailable = labUnavailable();
  if (unavailable !== null) {
    console.log(`skipped: ${unavailable}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "rampart-bench-push-"));
  const lab = await upLab(FAN_OUT, dir);
  try {
    const big: PolicySnapshot = { ...emptyPolicy(), blocklist: randomBlocklist(1_000_000) };
    let started = Date.now();
    const bigRendered = render(big, lab.panelAddress);
    const bytes = Object.values(bigRendered.files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    console.log(`1,000,000-entry policy rendered in ${s((Date.now() - started) / 1000)} (${(bytes / 1048576).toFixed(1)} MiB of artefacts)`);
    const one = await pushTo(lab.nodes[0]!, bigRendered);
    const t = one.timings;
    console.log(`push of 1,000,000 entries to one node: ${s(one.wallSeconds)} — connect ${s(t.connect)}, upload ${s(t.upload)}, validate ${s(t.validate)}, apply ${s(t.apply)}, confirm ${s(t.confirm)}`);

    const typical = render(typicalSingleTenantPolicy(), lab.panelAddress);
    // The big version is on node1: a typical push there is a real change, as on the others.
    const single = await pushTo(lab.nodes[1]!, typical);
    console.log(`typical policy to one node: ${s(single.wallSeconds)}`);
    started = Date.now();
    const all = await Promise.all(lab.nodes.map((node) => pushTo(node, typical)));
    const wall = (Date.now() - started) / 1000;
    const slowest = Math.max(...all.map((o) => o.wallSeconds));
    console.log(`typical policy to ${FAN_OUT} nodes at once: ${s(wall)} wall (slowest node ${s(slowest)}), ${(wall / single.wallSeconds).toFixed(1)}x one node`);
  } finally {
    await downLab(dir);
  }
}
