/**
 * Trust scopes over random policies: the compiled chains are run packet by packet through a small evaluator
 * of the model (the same rules iptables gets, lib/rules/render-iptables.ts renders them one to one), and the
 * verdicts must stay within what the policy's scopes allow:
 *  - a source trusted only through SIP scope, a tenant network or NO_BAN is never accepted on a port other than
 *    SIP, RTP or (web UI exposed to allowed networks, tenant networks only) the web ports, and never ahead of the
 *    blocklist: a blocklisted one is dropped everywhere;
 *  - no SIP-scoped or tenant source is ever a member of the whitelist set (the all-ports accept), and no
 *    all-ports ACCEPT rule matches anything but loopback, the whitelist set, established flows or ICMP;
 *  - the panel and the management networks are accepted on every management port, even when blocklisted and
 *    banned; the panel is in every jail's ignoreip.
 * The evaluator treats rate limits (xt_recent, hashlimit) as not exceeded and the packet as NEW unless told.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { networkContains, parseNetwork, type ParsedNetwork } from "@/lib/net/parse";
import { DEFAULT_EXPOSURE, type Exposure } from "@/lib/validation/exposure";
import { parsePolicySnapshot, type PolicySnapshot, type TrustScope } from "@/lib/validation/policy";

import { compileRuleset } from "./compile";
import type { Chain, Match, Rule, RulesetModel } from "./model";
import { emptyPolicy, FIXED_NOW, TINY_GEOIP } from "./testing/fixtures";

interface Packet {
  src: string;
  protocol: "tcp" | "udp";
  dport: number;
  established: boolean;
  /** Members of fail2ban's ban sets (any jail). */
  banned: boolean;
}

type Verdict = "ACCEPT" | "DROP" | "REJECT" | "RETURN";

function parsed(text: string): ParsedNetwork {
  const result = parseNetwork(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

function evaluate(model: RulesetModel, packet: Packet): Verdict {
  const src = parsed(packet.src);
  const firewall = model.firewall.find((f) => f.family === src.family);
  if (!firewall) throw new Error("no firewall");
  const chains = new Map<string, Chain>(firewall.chains.map((c) => [c.name, c]));
  const members = new Map<string, ParsedNetwork[]>();
  for (const set of model.sets) if (set.lifecycle === "swap") members.set(set.name, set.members.map((m) => parsed(m.network)));
  const inSet = (name: string) =>
    name.startsWith("rampart-f2b-") ? packet.banned : (members.get(name) ?? []).some((network) => network.family === src.family && networkContains(network, src));
  const matches = (match: Match): boolean => {
    switch (match.kind) {
      case "in-interface":
        return false;
      case "protocol":
        return match.protocol === packet.protocol;
      case "icmp-type":
      case "icmp6-type":
      case "hop-limit":
        return false;
      case "dports":
        return match.ports.includes(packet.dport);
      case "dport-range":
        return match.protocol === packet.protocol && packet.dport >= match.min && packet.dport <= match.max;
      case "set":
        return inSet(match.name) !== match.negate;
      case "ctstate-established":
        return packet.established !== match.negate;
      case "ctstate-new":
        return !packet.established;
      case "tcp-flags":
        // A plain SYN: caught by none of the port-scan masks, and it starts a flow.
        return match.negate ? !(match.mask.includes("SYN") && match.set.length === 1 && match.set[0] === "SYN") : false;
      case "string":
        return false;
      case "recent-set":
        return true;
      case "recent-update":
      case "hashlimit-above":
        return false;
      case "limit":
        return true;
    }
  };
  const run = (name: string): Verdict | null => {
    for (const rule of chains.get(name)?.rules ?? []) {
      if (!rule.matches.every(matches)) continue;
      const target = rule.target;
      if (target === null || target.kind === "LOG") continue;
      if (target.kind === "jump") {
        const verdict = run(target.chain);
        if (verdict !== null) return verdict;
        continue;
      }
      if (target.kind === "RETURN") return null;
      return target.kind;
    }
    return null;
  };
  return run(firewall.chains[0]!.name) ?? "RETURN";
}

// ---------------------------------------------------------------------------------------------------------
// Random valid policies over a small address space, so that lists overlap often
// ---------------------------------------------------------------------------------------------------------

const NETWORKS = ["192.0.2.0/24", "192.0.2.0/26", "192.0.2.64/26", "192.0.2.7", "192.0.2.70", "198.51.100.0/25", "198.51.100.9", "203.0.113.0/24", "203.0.113.3", "2001:db8::/48", "2001:db8::7", "2001:db8:1::/64"];
const network = fc.constantFrom(...NETWORKS);
const uniqueNetworks = (max: number) => fc.uniqueArray(network, { maxLength: max });
const scopeArb = fc.constantFrom<TrustScope>("ALL", "SIP", "NO_BAN");

const policyArb = fc
  .record({
    whitelist: fc.uniqueArray(fc.record({ network, scope: scopeArb }), { maxLength: 4, selector: (e) => e.network }),
    blocklist: uniqueNetworks(3),
    management: uniqueNetworks(2),
    tenants: fc.array(fc.record({ auto: fc.boolean(), networks: uniqueNetworks(2) }), { maxLength: 2 }),
    exposure: fc.record({
      sipFrom: fc.constantFrom("WORLD", "ALLOWED"),
      rtpFrom: fc.constantFrom("WORLD", "ALLOWED"),
      webFrom: fc.constantFrom("WORLD", "ALLOWED", "MANAGEMENT"),
      amiPorts: fc.constantFrom([5038], []),
      extraTcpPorts: fc.constantFrom([], [9000]),
      extraUdpPorts: fc.constantFrom([], [4569]),
      icmpEcho: fc.boolean(),
      dropPortScans: fc.boolean(),
      sshNewPerMinute: fc.constantFrom(null, 6),
      finalAction: fc.constantFrom("DROP", "REJECT", "RETURN"),
    }),
    sshPorts: fc.constantFrom([22], [22, 2222]),
    webPorts: fc.constantFrom([80, 443], [8443]),
    panel: fc.constantFrom([], ["198.51.100.9"], ["192.0.2.7", "2001:db8::7"]),
    rateLimit: fc.boolean(),
  })
  .map((p) => {
    const base = emptyPolicy();
    const exposure = { ...p.exposure, amiPorts: [...p.exposure.amiPorts], extraTcpPorts: [...p.exposure.extraTcpPorts], extraUdpPorts: [...p.exposure.extraUdpPorts] } as unknown as Exposure;
    const policy: PolicySnapshot = {
      ...base,
      whitelist: p.whitelist.map((e) => ({ network: e.network, comment: "", scope: e.scope })),
      blocklist: p.blocklist.map((n) => ({ network: n, comment: "" })),
      management: p.management.map((n) => ({ network: n, comment: "" })),
      tenants: p.tenants.map((t, i) => ({
        id: `00000000-0000-4000-8000-00000000000${i}`,
        name: `T${i}`,
        autoWhitelistRestrictions: t.auto,
        restrictions: t.networks.map((n) => ({ network: n, comment: "" })),
      })),
      rateLimit: { ...base.rateLimit, enabled: p.rateLimit },
      fail2ban: { ...base.fail2ban, voipJailEnabled: true, webJailEnabled: true, recidive: { ...base.fail2ban.recidive, enabled: true } },
      platform: { sshPorts: [...p.sshPorts], webPorts: [...p.webPorts] },
      exposure: { ...DEFAULT_EXPOSURE, ...exposure },
    };
    return { policy, panel: [...p.panel] as string[] };
  });

const SOURCES = ["192.0.2.7", "192.0.2.70", "192.0.2.200", "198.51.100.9", "198.51.100.200", "203.0.113.3", "203.0.113.99", "2001:db8::7", "2001:db8:1::5", "2001:db8:9::1"];
const PORTS: readonly { protocol: "tcp" | "udp"; dport: number }[] = [
  ...[22, 2222, 80, 443, 8443, 5038, 9000, 3306, 5060].map((dport) => ({ protocol: "tcp" as const, dport })),
  ...[5060, 10000, 15000, 4569, 161, 53].map((dport) => ({ protocol: "udp" as const, dport })),
];

function covered(list: readonly string[], address: string): boolean {
  const a = parsed(address);
  return list.some((n) => {
    const p = parsed(n);
    return p.family === a.family && networkContains(p, a);
  });
}

describe("trust scopes over random policies", () => {
  it("never accepts more than the scopes allow, and always lets the panel and management networks in", () => {
    fc.assert(
      fc.property(policyArb, fc.boolean(), ({ policy, panel }, banned) => {
        const parsedPolicy = parsePolicySnapshot(policy);
        if (!parsedPolicy.ok) throw new Error(JSON.stringify(parsedPolicy.issues));
        const model = compileRuleset(parsedPolicy.value, { nodeName: "n", tags: [], panelAddresses: panel }, TINY_GEOIP, { now: FIXED_NOW });
        const exposure = model.exposure;
        const wlAll = policy.whitelist.filter((e) => (e.scope ?? "ALL") === "ALL").map((e) => e.network);
        const management = policy.management.map((e) => e.network);
        const tenantNets = policy.tenants.flatMap((t) => t.restrictions.map((r) => r.network));
        const blocked = policy.blocklist.map((e) => e.network);
        const sipPorts = policy.rateLimit.sipPorts;
        const { rtpPortMin, rtpPortMax } = policy.rateLimit;
        const managedTcp = [...policy.platform.sshPorts, ...policy.platform.webPorts, ...exposure.amiPorts, ...exposure.extraTcpPorts];

        // Structure: the whitelist set holds ALL-scope entries only; all-ports accepts are the known ones.
        for (const set of model.sets) {
          if (set.lifecycle !== "swap" || set.role !== "whitelist") continue;
          for (const member of set.members) expect(wlAll).toContain(member.network);
        }
        for (const family of model.firewall) {
          for (const chain of family.chains) {
            for (const rule of chain.rules) {
              if (rule.target?.kind !== "ACCEPT") continue;
              const hasPorts = rule.matches.some((m: Match) => m.kind === "dports" || m.kind === "dport-range");
              if (hasPorts) continue;
              const allowed = (r: Rule) =>
                r.matches.some((m) => m.kind === "in-interface") ||
                r.matches.some((m) => m.kind === "ctstate-established" && !m.negate) ||
                r.matches.some((m) => m.kind === "icmp-type" || m.kind === "icmp6-type") ||
                r.stage === "whitelist" ||
                r.stage === "sip-trusted"; // inside RAMPART-SIP, reached from SIP ports only
              expect(allowed(rule), `${chain.name} ${rule.stage}`).toBe(true);
            }
          }
        }
        for (const jail of model.jails) for (const address of panel) expect(jail.ignoreIp).toContain(address);

        // Packets.
        for (const src of SOURCES) {
          const isPanel = covered(panel, src);
          const isManagement = covered(management, src);
          const isAll = covered(wlAll, src);
          const isTenant = covered(tenantNets, src);
          const isBlocked = covered(blocked, src);
          for (const port of PORTS) {
            const verdict = evaluate(model, { src, ...port, established: false, banned });
            const isManagedPort = port.protocol === "tcp" ? managedTcp.includes(port.dport) : exposure.extraUdpPorts.includes(port.dport);
            if ((isPanel || isManagement) && isManagedPort) {
              expect(verdict, `${src} ${port.protocol}/${port.dport} (panel or management)`).toBe("ACCEPT");
            }
            if (verdict !== "ACCEPT" || isPanel || isManagement || isAll) continue;
            // Accepted for a source with no full trust: only SIP, RTP, the web UI (as exposed), never when blocklisted.
            expect(isBlocked, `${src} blocklisted but accepted on ${port.protocol}/${port.dport}`).toBe(false);
            const isSip = sipPorts.includes(port.dport);
            const isRtp = port.protocol === "udp" && port.dport >= rtpPortMin && port.dport <= rtpPortMax;
            const isWeb = port.protocol === "tcp" && policy.platform.webPorts.includes(port.dport) && (exposure.webFrom === "WORLD" || (exposure.webFrom === "ALLOWED" && isTenant));
            expect(isSip || isRtp || isWeb, `${src} accepted on ${port.protocol}/${port.dport}`).toBe(true);
            if (isSip && exposure.sipFrom === "ALLOWED") expect(banned).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("catches a rule that would let a SIP-trusted source onto SSH (the evaluator is not blind)", () => {
    const base = emptyPolicy();
    const policy: PolicySnapshot = { ...base, whitelist: [{ network: "192.0.2.7", comment: "", scope: "SIP" }], exposure: DEFAULT_EXPOSURE };
    const parsedPolicy = parsePolicySnapshot(policy);
    if (!parsedPolicy.ok) throw new Error("invalid");
    const model = compileRuleset(parsedPolicy.value, { nodeName: "n", tags: [] }, TINY_GEOIP, { now: FIXED_NOW });
    const packet: Packet = { src: "192.0.2.7", protocol: "tcp", dport: 22, established: false, banned: false };
    expect(evaluate(model, packet)).toBe("DROP");
    expect(evaluate(model, { ...packet, protocol: "udp", dport: 5060 })).toBe("ACCEPT");
    // The same model with the SIP-trusted accept moved to RAMPART-INPUT without ports is what the property forbids.
    const input = model.firewall[0]!.chains[0]!;
    const sipTrusted = model.firewall[0]!.chains[1]!.rules.find((r) => r.stage === "sip-trusted")!;
    const broken: RulesetModel = {
      ...model,
      firewall: [{ ...model.firewall[0]!, chains: [{ ...input, rules: [sipTrusted, ...input.rules] }, ...model.firewall[0]!.chains.slice(1)] }, model.firewall[1]!],
    };
    expect(evaluate(broken, packet)).toBe("ACCEPT");
  });
});
