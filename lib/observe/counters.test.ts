import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { emptyDropCounters, parseDropCounters, sumDropCounters } from "./counters";

// iptables-save-c.txt is real: the golden geoip-full-server ruleset in a namespace, hit from an attacker
// namespace by 30 REGISTERs and 2 friendly-scanner packets (.2), 150 OPTIONS + 3 INVITEs (.4), 5 packets from
// a blocklisted (.3), 3 from a fail2ban-banned (.5) and 4 from a GeoIP-disallowed source (.200).
const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

describe("parseDropCounters", () => {
  it("splits a real IPv4 ruleset's drops by reason", () => {
    const report = parseDropCounters(fixture("iptables-save-c.txt"), 4);
    expect(report.rejected).toEqual([]);
    expect(report.hasRampartChains).toBe(true);
    expect(report.counters).toEqual({
      blocklist: { packets: 5, bytes: 310 },
      banned: { packets: 3, bytes: 186 },
      geoip: { packets: 4, bytes: 248 },
      scanner: { packets: 2, bytes: 192 },
      rateLimit: { packets: 64, bytes: 4076 },
      rateLimitBy: { register: { packets: 11, bytes: 781 }, invite: { packets: 0, bytes: 0 }, packetRate: { packets: 53, bytes: 3295 } },
      sip: { packets: 185, bytes: 11817 },
    });
  });

  it("reads the IPv6 rules with IPv6 set names, and ignores the IPv4 names there", () => {
    // The golden IPv6 rules, each -A line given a distinct counter: [line:line*100].
    const golden = readFileSync(join(__dirname, "..", "rules", "__golden__", "geoip-full-server", "ip6tables.rules"), "utf8");
    let n = 0;
    const counted = golden
      .split("\n")
      .map((line) => (line.startsWith("-A ") ? `[${++n}:${n * 100}] ${line}` : line))
      .join("\n");
    const report = parseDropCounters(counted, 6);
    expect(report.rejected).toEqual([]);
    const rules = counted.split("\n").filter((l) => l.startsWith("["));
    const countOf = (pattern: RegExp) =>
      rules.filter((l) => pattern.test(l)).reduce((sum, l) => sum + Number(/^\[(\d+):/.exec(l)![1]), 0);
    expect(report.counters.blocklist.packets).toBe(countOf(/--match-set rampart-bl6-\w+ src -j DROP/));
    expect(report.counters.blocklist.packets).toBeGreaterThan(0);
    expect(report.counters.geoip.packets).toBe(countOf(/! --match-set rampart-geo6-net src -j DROP/));
    expect(report.counters.sip.packets).toBe(countOf(/-A RAMPART-INPUT .* -j RAMPART-SIP$/));
    expect(report.counters.rateLimitBy.packetRate.packets).toBe(countOf(/--hashlimit-name rampart-sip6-[0-9a-f]{8} .*-j RAMPART-FLOOD/));
    expect(report.counters.scanner.packets).toBe(countOf(/-A RAMPART-SCAN -j DROP/));
    expect(parseDropCounters(counted, 4).counters.blocklist.packets).toBe(0);
  });

  it("says when Rampart's chains are missing", () => {
    const report = parseDropCounters("*filter\n:INPUT ACCEPT [0:0]\n[9:900] -A INPUT -j DROP\nCOMMIT\n", 4);
    expect(report).toEqual({ counters: emptyDropCounters(), hasRampartChains: false, rejected: [] });
  });

  it("ignores other tables, reports malformed counted lines", () => {
    const text = ["*nat", "[7:700] -A RAMPART-INPUT -j DROP", "*filter", ":RAMPART-INPUT - [0:0]", "[x:1] -A RAMPART-INPUT -j DROP", '[1:2] -A RAMPART-SIP -m string --string "open -j RAMPART-SCAN'].join("\n");
    const report = parseDropCounters(text, 4);
    expect(report.counters).toEqual(emptyDropCounters());
    expect(report.rejected.map((r) => r.line)).toEqual([5, 6]);
  });

  it("does not take a quoted signature for the target", () => {
    const text = ["*filter", '[4:40] -A RAMPART-INPUT -m string --string "-j RAMPART-SIP" --algo bm -j ACCEPT'].join("\n");
    expect(parseDropCounters(text, 4).counters.sip.packets).toBe(0);
  });

  it("sums two families", () => {
    const v4 = parseDropCounters(fixture("iptables-save-c.txt"), 4).counters;
    const both = sumDropCounters(v4, v4);
    expect(both.sip).toEqual({ packets: 370, bytes: 23634 });
    expect(both.rateLimitBy.register.packets).toBe(22);
  });
});
