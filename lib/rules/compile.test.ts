import { describe, expect, it } from "vitest";

import { parsePolicySnapshot, type NodeRenderInput, type PolicySnapshot } from "@/lib/validation/policy";

import { compileRuleset, sizeSet } from "./compile";
import type { ListSet, RulesetModel } from "./model";
import { renderRule } from "./render-iptables";
import { emptyPolicy, FIXED_NOW, ipv6HeavyPolicy, multiTenantPolicy, TINY_GEOIP, typicalSingleTenantPolicy } from "./testing/fixtures";

function compile(policy: PolicySnapshot, node: Partial<NodeRenderInput> = {}, now = FIXED_NOW): RulesetModel {
  const parsed = parsePolicySnapshot(policy);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return compileRuleset(parsed.value, { nodeName: "n", tags: [], ...node }, TINY_GEOIP, { now });
}

function listSet(model: RulesetModel, role: string, family: 4 | 6): ListSet {
  const set = model.sets.find((s): s is ListSet => s.lifecycle === "swap" && s.role === role && s.family === family);
  if (set === undefined) throw new Error(`no ${role} set for IPv${family}`);
  return set;
}

function rulesOf(model: RulesetModel, family: 4 | 6, chain = "RAMPART-INPUT"): string[] {
  const found = model.firewall.find((f) => f.family === family)?.chains.find((c) => c.name === chain);
  return (found?.rules ?? []).map((rule) => renderRule(chain, rule));
}

describe("compileRuleset: lists", () => {
  it("drops expired entries using the given clock and reports the next expiry", () => {
    const model = compile(typicalSingleTenantPolicy());
    const bl = listSet(model, "blocklist", 4).members.map((m) => m.network);
    expect(bl).toContain("185.53.88.17");
    expect(bl).not.toContain("185.53.88.18");
    expect(model.dropped.expired).toBe(1);
    expect(model.nextExpiryAt).toBe("2025-07-01T00:00:00.000Z");
    const later = compile(typicalSingleTenantPolicy(), {}, new Date("2025-07-01T00:00:00.000Z"));
    expect(listSet(later, "blocklist", 4).members.map((m) => m.network)).not.toContain("185.53.88.17");
    expect(later.nextExpiryAt).toBeNull();
  });

  it("sorts numerically, dedupes and keeps the smallest non-empty comment", () => {
    const policy: PolicySnapshot = {
      ...emptyPolicy(),
      blocklist: [
        { network: "10.0.0.0/8", comment: "" },
        { network: "9.255.255.255", comment: "" },
        { network: "10.0.0.0/16", comment: "" },
        { network: "100.0.0.1", comment: "b" },
        { network: "100.0.0.1", comment: "" },
        { network: "100.0.0.1", comment: "a" },
        { network: "2.0.0.0/8", comment: "" },
      ],
    };
    const model = compile(policy);
    expect(listSet(model, "blocklist", 4).members).toEqual([
      { network: "2.0.0.0/8", comment: "" },
      { network: "9.255.255.255", comment: "" },
      { network: "10.0.0.0/8", comment: "" },
      { network: "10.0.0.0/16", comment: "" },
      { network: "100.0.0.1", comment: "a" },
    ]);
    expect(model.dropped.duplicates).toBe(2);
  });

  it("is independent of input order (deterministic)", () => {
    const policy = multiTenantPolicy();
    const reversed: PolicySnapshot = {
      ...policy,
      whitelist: [...policy.whitelist].reverse(),
      blocklist: [...policy.blocklist].reverse(),
      management: [...policy.management].reverse(),
      scannerSignatures: [...policy.scannerSignatures].reverse(),
      rateLimit: { ...policy.rateLimit, sipPorts: [...policy.rateLimit.sipPorts].reverse(), transports: [...policy.rateLimit.transports].reverse() },
    };
    const a = compile(policy);
    const b = compile(reversed);
    expect(JSON.stringify(b.sets)).toBe(JSON.stringify(a.sets));
    expect(JSON.stringify(b.firewall)).toBe(JSON.stringify(a.firewall));
    expect(JSON.stringify(b.jails)).toBe(JSON.stringify(a.jails));
  });

  it("uses hash:ip when every member is a host, hash:net otherwise, with the type in the name", () => {
    const model = compile(typicalSingleTenantPolicy());
    expect(listSet(model, "management", 4)).toMatchObject({ type: "hash:ip", name: "rampart-mg4-ip" });
    expect(listSet(model, "whitelist", 4)).toMatchObject({ type: "hash:net", name: "rampart-wl4-net" });
    expect(listSet(model, "blocklist", 6)).toMatchObject({ type: "hash:ip", name: "rampart-bl6-ip", members: [] });
  });

  it("adds the node's management addresses to the management set only", () => {
    const model = compile(typicalSingleTenantPolicy(), { managementAddresses: ["192.0.2.200", "2001:db8:ff::1"] });
    expect(listSet(model, "management", 4).members).toContainEqual({ network: "192.0.2.200", comment: "node management address" });
    expect(listSet(model, "management", 6).members).toEqual([{ network: "2001:db8:ff::1", comment: "node management address" }]);
    expect(listSet(model, "whitelist", 4).members.map((m) => m.network)).not.toContain("192.0.2.200");
    expect(model.jails[0]?.ignoreIp).toContain("192.0.2.200");
  });

  it("gives auto-whitelisted tenant networks SIP-scoped trust only: never the whitelist set, never a jail but the VoIP one", () => {
    const model = compile(multiTenantPolicy());
    const wl4 = listSet(model, "whitelist", 4).members.map((m) => m.network);
    expect(wl4).not.toContain("192.0.2.128/26"); // Beta: auto-whitelist, but a tenant never reaches the cluster whitelist
    expect(listSet(model, "sip-trusted", 4).members.map((m) => m.network)).toEqual(["192.0.2.128/26", "203.0.113.64/28"]);
    expect(listSet(model, "tenant", 4).members.map((m) => m.network)).toEqual(["192.0.2.64/27", "192.0.2.128/26", "192.0.2.130"]);
    const voip = model.jails.find((j) => j.name === "rampart-asterisk");
    const web = model.jails.find((j) => j.name === "rampart-web");
    expect(voip?.ignoreIp).toEqual([
      "127.0.0.0/8",
      "::1",
      "192.0.2.50",
      "192.0.2.128/26",
      "198.51.100.10",
      "198.51.100.77",
      "203.0.113.0/28",
      "203.0.113.64/28",
      "2001:db8:100::/48",
      "2001:db8:beef::/48",
    ]);
    expect(web?.ignoreIp).toEqual(["127.0.0.0/8", "::1", "192.0.2.50", "198.51.100.10", "203.0.113.0/28", "2001:db8:100::/48"]);
  });

  it("splits the whitelist by scope: ALL in the whitelist set, SIP in the SIP-trusted set, NO_BAN in the VoIP jail's ignoreip only", () => {
    const model = compile(typicalSingleTenantPolicy());
    expect(listSet(model, "whitelist", 4).members.map((m) => m.network)).toEqual(["192.0.2.50", "203.0.113.0/28"]);
    expect(listSet(model, "sip-trusted", 4).members.map((m) => m.network)).toEqual(["203.0.113.64/28"]);
    const everySetMember = model.sets.flatMap((set) => (set.lifecycle === "swap" ? set.members.map((m) => m.network) : []));
    expect(everySetMember).not.toContain("198.51.100.77");
    expect(model.jails.find((j) => j.name === "rampart-asterisk")?.ignoreIp).toContain("198.51.100.77");
    expect(model.jails.find((j) => j.name === "rampart-recidive")?.ignoreIp).not.toContain("198.51.100.77");
  });

  it("never lets a SIP-scoped entry empty the blocklist: only ALL entries override it", () => {
    const policy = typicalSingleTenantPolicy();
    const model = compile({ ...policy, blocklist: [...policy.blocklist, { network: "203.0.113.70", comment: "inside the trunk range" }] });
    expect(listSet(model, "blocklist", 4).members.map((m) => m.network)).toContain("203.0.113.70");
    expect(listSet(model, "blocklist", 4).members.map((m) => m.network)).not.toContain("203.0.113.5"); // inside an ALL entry
  });

  it("puts the panel's addresses in a set accepted first on every management port, and in every jail's ignoreip", () => {
    const model = compile(typicalSingleTenantPolicy(), { panelAddresses: ["198.51.100.2", "2001:db8:1::2"] });
    expect(listSet(model, "panel", 4).members.map((m) => m.network)).toEqual(["198.51.100.2"]);
    expect(rulesOf(model, 4)[1]).toBe("-A RAMPART-INPUT -p tcp -m multiport --dports 22,80,443,5038 -m set --match-set rampart-pn4-ip src -j ACCEPT");
    expect(rulesOf(model, 6)[5]).toBe("-A RAMPART-INPUT -p tcp -m multiport --dports 22,80,443,5038 -m set --match-set rampart-pn6-ip src -j ACCEPT");
    for (const jail of model.jails) {
      expect(jail.ignoreIp).toContain("198.51.100.2");
      expect(jail.ignoreIp).toContain("2001:db8:1::2");
    }
    expect(model.panelAddresses).toEqual(["198.51.100.2", "2001:db8:1::2"]);
    expect(compile(typicalSingleTenantPolicy()).warnings.some((w) => w.startsWith("No panel address"))).toBe(true);
  });

  it("leaves out blocklist entries inside a whitelist entry and reports them", () => {
    const model = compile(typicalSingleTenantPolicy());
    expect(listSet(model, "blocklist", 4).members.map((m) => m.network)).not.toContain("203.0.113.5");
    expect(model.conflicts).toContainEqual({
      kind: "whitelist-overrides-blocklist",
      blocklist: "203.0.113.5",
      whitelist: "203.0.113.0/28",
      resolution: "dropped-from-blocklist",
    });
    expect(model.dropped.whitelisted).toBe(1);
  });

  it("keeps a blocklist network that contains whitelist entries (the whitelist rule precedes) and reports each", () => {
    const model = compile(ipv6HeavyPolicy());
    expect(listSet(model, "blocklist", 6).members.map((m) => m.network)).toContain("2001:db8::/32");
    expect(model.conflicts).toContainEqual({
      kind: "whitelist-overrides-blocklist",
      blocklist: "2001:db8::/32",
      whitelist: "2001:db8:200::/48",
      resolution: "whitelist-rule-precedes",
    });
    expect(model.conflicts).toContainEqual({ kind: "management-overlaps-blocklist", blocklist: "2001:db8::/32", management: "2001:db8:100::10" });
    // nested whitelist entries count through their outermost network
    expect(listSet(model, "blocklist", 6).members.map((m) => m.network)).not.toContain("2001:db8:200:1::66");
  });

  it("caps the listed conflicts and counts the rest", () => {
    const policy: PolicySnapshot = {
      ...emptyPolicy(),
      whitelist: [{ network: "10.0.0.0/8", comment: "" }],
      blocklist: Array.from({ length: 1500 }, (_, i) => ({ network: `10.0.${i >> 8}.${i & 255}`, comment: "" })),
    };
    const model = compile(policy);
    expect(model.conflicts).toHaveLength(1000);
    expect(model.conflictsNotListed).toBe(500);
    expect(listSet(model, "blocklist", 4).members).toEqual([]);
  });
});

describe("compileRuleset: chains", () => {
  it("orders RAMPART-INPUT: loopback, panel, SSH limit, management, whitelist, blocklist, bans, port scans, GeoIP, SIP, established, ICMP, exposure, final", () => {
    const model = compile({ ...typicalSingleTenantPolicy(), geoip: { mode: "FULL_SERVER", countries: ["DE"] } });
    const stages = model.firewall[0]?.chains[0]?.rules.map((r) => r.stage);
    expect(stages).toEqual([
      "loopback",
      "panel",
      "ssh-limit",
      "management",
      "whitelist",
      "blocklist",
      "fail2ban",
      "fail2ban",
      "fail2ban",
      ...Array(6).fill("port-scan"),
      "geoip",
      "sip",
      "sip",
      "established",
      "icmp",
      "sip-accept",
      "sip-accept",
      "rtp",
      "final",
    ]);
    expect(rulesOf(model, 4)[3]).toBe(
      "-A RAMPART-INPUT -p tcp -m multiport --dports 22,80,443,5038 -m set --match-set rampart-mg4-ip src -j ACCEPT",
    );
    expect(rulesOf(model, 4).at(-1)).toBe("-A RAMPART-INPUT -j DROP");
  });

  it("opens SIP, RTP and the web UI as the exposure policy says, and ends with its final action", () => {
    const policy = typicalSingleTenantPolicy();
    const allowed = compile({ ...policy, exposure: { ...policy.exposure, sipFrom: "ALLOWED", rtpFrom: "ALLOWED", webFrom: "ALLOWED", finalAction: "REJECT" } });
    const rules = rulesOf(allowed, 4);
    expect(rules.filter((r) => / --dports 5060 -j ACCEPT$/.test(r))).toEqual([]);
    expect(rules).toContain("-A RAMPART-INPUT -p udp -m multiport --dports 5060 -m set --match-set rampart-tr4-net src -j ACCEPT");
    expect(rules).toContain("-A RAMPART-INPUT -p udp -m multiport --dports 5060 -m set --match-set rampart-mg4-ip src -j ACCEPT");
    expect(rules).toContain("-A RAMPART-INPUT -p udp -m udp --dport 10000:20000 -m set --match-set rampart-st4-net src -j ACCEPT");
    expect(rules).toContain("-A RAMPART-INPUT -p tcp -m multiport --dports 80,443 -m set --match-set rampart-tr4-net src -j ACCEPT");
    expect(rules.slice(-2)).toEqual(["-A RAMPART-INPUT -p tcp -j REJECT --reject-with tcp-reset", "-A RAMPART-INPUT -j REJECT --reject-with icmp-port-unreachable"]);
    expect(rulesOf(allowed, 6).at(-1)).toBe("-A RAMPART-INPUT -j REJECT --reject-with icmp6-port-unreachable");
    const world = compile({ ...policy, exposure: { ...policy.exposure, webFrom: "WORLD", icmpEcho: false, finalAction: "RETURN" } });
    expect(rulesOf(world, 4)).toContain("-A RAMPART-INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT");
    expect(rulesOf(world, 4)).toContain("-A RAMPART-INPUT -p icmp -m icmp --icmp-type 8 -j DROP");
    expect(rulesOf(world, 4).at(-1)).toBe("-A RAMPART-INPUT -j RETURN");
    expect(world.warnings.some((w) => w.startsWith("No default deny"))).toBe(true);
    // A node's override is laid over the cluster's policy.
    const overridden = compile(policy, { exposureOverride: { finalAction: "RETURN" } });
    expect(overridden.exposure).toEqual({ ...policy.exposure, finalAction: "RETURN" });
    expect(rulesOf(overridden, 4).at(-1)).toBe("-A RAMPART-INPUT -j RETURN");
  });

  it("accepts IPv6 neighbour discovery right after loopback, and IPv6 only; ICMPv6 errors always", () => {
    const model = compile(typicalSingleTenantPolicy());
    expect(rulesOf(model, 6).slice(1, 5)).toEqual(
      [133, 134, 135, 136].map((t) => `-A RAMPART-INPUT -p ipv6-icmp -m icmp6 --icmpv6-type ${t} -m hl --hl-eq 255 -j ACCEPT`),
    );
    expect(rulesOf(model, 4).some((r) => r.includes("ipv6-icmp"))).toBe(false);
    for (const t of [1, 2, 3, 4]) expect(rulesOf(model, 6)).toContain(`-A RAMPART-INPUT -p ipv6-icmp -m icmp6 --icmpv6-type ${t} -j ACCEPT`);
  });

  it("splits port lists into multiport rules of at most 15 ports", () => {
    const sipPorts = Array.from({ length: 16 }, (_, i) => 5060 + i);
    const policy = typicalSingleTenantPolicy();
    const model = compile({ ...policy, rateLimit: { ...policy.rateLimit, sipPorts, transports: ["UDP"] } });
    const sip = rulesOf(model, 4).filter((r) => r.endsWith("-j RAMPART-SIP"));
    expect(sip).toEqual([
      `-A RAMPART-INPUT -p udp -m multiport --dports ${sipPorts.slice(0, 15).join(",")} -j RAMPART-SIP`,
      "-A RAMPART-INPUT -p udp -m multiport --dports 5075 -j RAMPART-SIP",
    ]);
  });

  it("maps transports to protocols (TLS is TCP) and scopes web bans and WEB_ONLY GeoIP to web ports", () => {
    const policy = typicalSingleTenantPolicy();
    const model = compile({ ...policy, geoip: { mode: "WEB_ONLY", countries: ["US"] }, rateLimit: { ...policy.rateLimit, transports: ["TLS"] } });
    const rules = rulesOf(model, 4);
    expect(rules.filter((r) => r.endsWith("-j RAMPART-SIP"))).toEqual(["-A RAMPART-INPUT -p tcp -m multiport --dports 5060 -j RAMPART-SIP"]);
    expect(rules).toContain("-A RAMPART-INPUT -p tcp -m multiport --dports 80,443 -m set --match-set rampart-f2b-web4 src -j DROP");
    expect(rules).toContain(
      "-A RAMPART-INPUT -p tcp -m multiport --dports 80,443 -m conntrack ! --ctstate RELATED,ESTABLISHED -m set ! --match-set rampart-geo4-net src -j DROP",
    );
  });

  it("renders flood counters and the hashlimit per family, and nothing of them when rate limiting is off", () => {
    const on = compile(typicalSingleTenantPolicy());
    const sip6 = rulesOf(on, 6, "RAMPART-SIP").find((r) => r.includes("-m hashlimit"));
    expect(sip6).toMatch(
      /^-A RAMPART-SIP -m hashlimit --hashlimit-above 50\/sec --hashlimit-burst 100 --hashlimit-mode srcip --hashlimit-name rampart-sip6-[0-9a-f]{8} --hashlimit-htable-expire 60000 --hashlimit-srcmask 64 -j RAMPART-FLOOD$/,
    );
    // A changed limit gets a new table name (the kernel keeps a table's first parameters), the same limit the same name.
    const policy0 = typicalSingleTenantPolicy();
    const nameOf = (model: ReturnType<typeof compile>) => /--hashlimit-name (\S+)/.exec(rulesOf(model, 4, "RAMPART-SIP").find((r) => r.includes("-m hashlimit")) ?? "")?.[1];
    expect(nameOf(compile(policy0))).toBe(nameOf(on));
    expect(nameOf(compile({ ...policy0, rateLimit: { ...policy0.rateLimit, burst: policy0.rateLimit.burst + 1 } }))).not.toBe(nameOf(on));
    expect(nameOf(on)).toMatch(/^rampart-sip4-[0-9a-f]{8}$/);
    expect(rulesOf(on, 4, "RAMPART-SIP")).toContain(
      "-A RAMPART-SIP -m string --string \"REGISTER sip:\" --algo bm -m recent --update --seconds 60 --hitcount 20 --rttl --name rampart-reg4 --mask 255.255.255.255 --rsource -j RAMPART-FLOOD",
    );
    const policy = typicalSingleTenantPolicy();
    const off = compile({ ...policy, rateLimit: { ...policy.rateLimit, enabled: false }, scannerSignatures: [] });
    expect(rulesOf(off, 4, "RAMPART-SIP")).toEqual(["-A RAMPART-SIP -m set --match-set rampart-st4-net src -j ACCEPT", "-A RAMPART-SIP -j RETURN"]);
  });

  it("renders enabled signatures only, sorted", () => {
    const model = compile(typicalSingleTenantPolicy());
    expect(rulesOf(model, 4, "RAMPART-SIP").filter((r) => r.includes("RAMPART-SCAN"))).toEqual([
      '-A RAMPART-SIP -m string --string "VaxSIPUserAgent" --algo bm -j RAMPART-SCAN',
      '-A RAMPART-SIP -m string --string "friendly-scanner" --algo bm -j RAMPART-SCAN',
      '-A RAMPART-SIP -m string --string "sipvicious" --algo bm -j RAMPART-SCAN',
    ]);
  });

  it("renders ban sets and their rules only for enabled jails", () => {
    const model = compile(emptyPolicy());
    expect(model.sets.filter((s) => s.lifecycle === "persistent")).toEqual([]);
    expect(model.jails).toEqual([]);
    expect(rulesOf(model, 4).some((r) => r.includes("f2b"))).toBe(false);
  });
});

describe("compileRuleset: GeoIP", () => {
  it("merges the allowed countries with the always-allowed ranges into the fewest CIDRs", () => {
    const model = compile({ ...emptyPolicy(), geoip: { mode: "FULL_SERVER", countries: ["FR", "DE"] } });
    const geo4 = listSet(model, "geoip", 4).members.map((m) => m.network);
    expect(geo4).toContain("203.0.113.0/24"); // FR lower half + DE upper half
    expect(geo4).toContain("10.0.0.0/8");
    expect(geo4).toContain("192.168.0.0/16");
    expect(listSet(model, "geoip", 6).members.map((m) => m.network)).toEqual([
      "::1",
      "2001:db8:de0::/48",
      "2001:db8:f00::/41",
      "fc00::/7",
      "fe80::/10",
    ]);
    expect(model.geoip.datasetId).toBe("tiny-test-dataset@1");
  });

  it("warns about countries without data and about GeoIP without management entries", () => {
    const model = compile({ ...emptyPolicy(), geoip: { mode: "FULL_SERVER", countries: ["AQ", "CH"] } });
    expect(model.geoip.countriesWithoutData).toEqual(["AQ"]);
    expect(model.warnings.join("\n")).toMatch(/no address data for AQ/);
    expect(model.warnings.join("\n")).toMatch(/empty management list/);
  });

  it("has no GeoIP set or rule when the filter is off", () => {
    const model = compile(typicalSingleTenantPolicy());
    expect(model.sets.some((s) => s.role === "geoip")).toBe(false);
    expect(rulesOf(model, 4).some((r) => r.includes("geo"))).toBe(false);
    expect(model.geoip.datasetId).toBeNull();
  });
});

describe("sizeSet", () => {
  it.each([
    [0, 64, 65_536],
    [100, 64, 65_536],
    [129, 128, 65_536],
    [1_000_000, 524_288, 1_250_000],
  ])("sizes %i entries: hashsize %i, maxelem %i", (count, hashsize, maxelem) => {
    expect(sizeSet(count)).toEqual({ hashsize, maxelem });
  });
});
