import { describe, expect, it } from "vitest";

import { DEFAULT_EXPOSURE, type Exposure } from "@/lib/validation/exposure";

import { findPushRefusals, type PreflightNode, type PreflightPolicy } from "./push-preflight";

const NOW = new Date("2026-12-03T12:00:00Z");
const ADMINS = { expiresAt: null };

function policy(overrides: Partial<Omit<PreflightPolicy, "ports">> & { sshPorts?: number[] } = {}): PreflightPolicy {
  const { sshPorts = [22], ...rest } = overrides;
  return {
    exposure: DEFAULT_EXPOSURE,
    ports: { sshPorts, webPorts: [80, 443], sipPorts: [5060], rtpPortMin: 10000, rtpPortMax: 20000 },
    management: [ADMINS],
    ...rest,
  };
}

function node(name: string, overrides: Partial<PreflightNode> = {}): PreflightNode {
  return { name, port: 22, managementAddress: null, exposureOverride: null, ...overrides };
}

const withFinal = (finalAction: Exposure["finalAction"]): Exposure => ({ ...DEFAULT_EXPOSURE, finalAction });

describe("findPushRefusals", () => {
  it("lets a default-deny push go ahead when a management network is in force and the node's SSH port is open", () => {
    expect(findPushRefusals(policy(), [node("a"), node("b")], NOW)).toEqual([]);
  });

  it("refuses default deny without a management network, naming every node and where to add one", () => {
    const refusals = findPushRefusals(policy({ management: [] }), [node("a"), node("b")], NOW);
    expect(refusals).toEqual([
      "Refused: no management network. With default deny, only the panel could reach SSH and the PBX's admin services on a, b; add your administrators' network under Firewall → Management access first (or set the final action to RETURN under Firewall → Exposure).",
    ]);
  });

  it("refuses REJECT like DROP, and lets RETURN (no default deny) go ahead without a management network", () => {
    expect(findPushRefusals(policy({ management: [], exposure: withFinal("REJECT") }), [node("a")], NOW)).toHaveLength(1);
    expect(findPushRefusals(policy({ management: [], exposure: withFinal("RETURN") }), [node("a")], NOW)).toEqual([]);
  });

  it("uses each node's effective policy: an override to RETURN spares that node, one to DROP catches it", () => {
    const returning = node("open", { exposureOverride: { finalAction: "RETURN" } });
    const denying = node("closed", { exposureOverride: { finalAction: "DROP" } });
    const [refusal, ...rest] = findPushRefusals(policy({ management: [] }), [returning, node("plain"), denying], NOW);
    expect(rest).toEqual([]);
    expect(refusal).toMatch(/admin services on plain, closed;/);
    expect(findPushRefusals(policy({ management: [], exposure: withFinal("RETURN") }), [returning, denying], NOW)[0]).toMatch(/admin services on closed;/);
  });

  it("counts only entries in force: expired ones are as good as none and are said to be expired", () => {
    const expired = { expiresAt: "2026-12-03T12:00:00.000Z" };
    expect(findPushRefusals(policy({ management: [expired] }), [node("a")], NOW)[0]).toMatch(/^Refused: no management network \(the 1 listed entry has expired\)\./);
    expect(findPushRefusals(policy({ management: [expired, expired] }), [node("a")], NOW)[0]).toMatch(/\(the 2 listed entries have expired\)/);
    expect(findPushRefusals(policy({ management: [expired, { expiresAt: "2026-12-03T12:00:01.000Z" }] }), [node("a")], NOW)).toEqual([]);
    expect(findPushRefusals(policy({ management: [{}] }), [node("a")], NOW)).toEqual([]);
  });

  it("lets a node with its own management address go ahead (that address is in its management set)", () => {
    const refusals = findPushRefusals(policy({ management: [] }), [node("own", { managementAddress: "192.0.2.8" }), node("none")], NOW);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(/admin services on none;/);
  });

  it("refuses a node reached on an SSH port the policy does not open, grouped by port", () => {
    const refusals = findPushRefusals(policy({ sshPorts: [22, 2200] }), [node("a", { port: 2222 }), node("b"), node("c", { port: 2222 }), node("d", { port: 822 })], NOW);
    expect(refusals).toEqual([
      "Refused: node d is reached on SSH port 822, which the exposure policy does not open (it opens 22, 2200); the push would cut the panel off. Add 822 to the SSH ports (Firewall → GeoIP, Ports) or change the node's port.",
      "Refused: nodes a, c are reached on SSH port 2222, which the exposure policy does not open (it opens 22, 2200); the push would cut the panel off. Add 2222 to the SSH ports (Firewall → GeoIP, Ports) or change the node's port.",
    ]);
  });

  it("refuses an unopened SSH port under RETURN too, saying what it would lose", () => {
    const [refusal] = findPushRefusals(policy({ exposure: withFinal("RETURN") }), [node("a", { port: 2222 })], NOW);
    expect(refusal).toMatch(/^Refused: node a is reached on SSH port 2222, .*; none of the rules that keep the panel in would cover it\./);
  });

  it("refuses a node whose stored override does not parse, naming the node and the field, and never falls back to the cluster's", () => {
    const broken = node("broken", { exposureOverride: { finalAction: "ACCEPT" }, port: 2222 });
    const refusals = findPushRefusals(policy({ management: [] }), [broken, node("fine", { managementAddress: "192.0.2.9" })], NOW);
    // The broken node is refused on its override alone: its effective policy (and so its other checks) is unknown.
    expect(refusals).toEqual([
      "Refused: the exposure override stored for node broken is not valid (finalAction: Final action must be DROP, REJECT or RETURN.); nothing was pushed. Set it again or clear it on the node's page or under Firewall → Exposure.",
    ]);
    for (const value of ["RETURN", 42, [], { sshPorts: [22] }, { amiPorts: [0] }]) {
      expect(findPushRefusals(policy(), [node("x", { exposureOverride: value })], NOW)[0], JSON.stringify(value)).toMatch(/^Refused: the exposure override stored for node x is not valid \(/);
    }
    expect(findPushRefusals(policy(), [node("empty", { exposureOverride: {} })], NOW)).toEqual([]);
  });

  it("refuses a stored override whose ports clash with the policy's (one the data layer would not have stored)", () => {
    const [refusal, ...rest] = findPushRefusals(policy(), [node("clash", { exposureOverride: { extraTcpPorts: [5060] } })], NOW);
    expect(rest).toEqual([]);
    expect(refusal).toBe(
      "Refused: the exposure override stored for node clash does not fit the policy's ports (Port 5060 is a SIP port; it cannot also be management-only.); nothing was pushed. Set it again or clear it on the node's page or under Firewall → Exposure.",
    );
  });

  it("reports every problem of one push, overrides first, and is deterministic", () => {
    const nodes = [node("a", { port: 2222 }), node("b", { exposureOverride: { webFrom: "EVERYONE" } })];
    const first = findPushRefusals(policy({ management: [] }), nodes, NOW);
    expect(first).toHaveLength(3);
    expect(first[0]).toMatch(/^Refused: the exposure override stored for node b is not valid/);
    expect(first[1]).toMatch(/^Refused: no management network\. .* on a;/);
    expect(first[2]).toMatch(/^Refused: node a is reached on SSH port 2222,/);
    expect(findPushRefusals(policy({ management: [] }), nodes, NOW)).toEqual(first);
  });
});
