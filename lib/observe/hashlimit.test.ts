import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { parseHashlimit } from "./hashlimit";

// Real tables: hashlimit4 from the golden geoip-full-server ruleset's rule (50/sec, burst 100) after 30
// REGISTERs from .2 and 150 packets from .4; hashlimit-test4/6 from `--hashlimit-above 10/sec --hashlimit-burst 20`
// (IPv6 with --hashlimit-srcmask 64) after 5 packets from .2, 40 from .4 and 30 from the IPv6 source.
const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

describe("parseHashlimit", () => {
  it("reads a real IPv4 table: a flooding source near zero, a normal one not", () => {
    const result = parseHashlimit(fixture("hashlimit-test4.txt"));
    expect(result.rejected).toEqual([]);
    expect(result.items).toEqual([
      { address: "198.18.0.4", family: 4, tokensLeftPercent: 0.8, isNearLimit: true, expiresInSeconds: 0 },
      { address: "198.18.0.2", family: 4, tokensLeftPercent: 75.8, isNearLimit: false, expiresInSeconds: 0 },
    ]);
  });

  it("reads the ruleset's own table", () => {
    const result = parseHashlimit(fixture("hashlimit4.txt"));
    expect(result.items.map((e) => [e.address, e.tokensLeftPercent, e.isNearLimit])).toEqual([
      ["198.18.0.4", 17.6, true],
      ["198.18.0.2", 98.8, false],
    ]);
  });

  it("reads the full-form IPv6 source, masked to the rule's /64", () => {
    const result = parseHashlimit(fixture("hashlimit-test6.txt"), { sourcePrefixLength: 64 });
    expect(result).toEqual({ items: [{ address: "2001:db8:18::/64", family: 6, tokensLeftPercent: 1, isNearLimit: true, expiresInSeconds: 0 }], rejected: [] });
    expect(parseHashlimit(fixture("hashlimit-test6.txt")).items[0]!.address).toBe("2001:db8:18::");
  });

  it("takes the threshold and the expiry column as given", () => {
    const line = "7 198.18.0.9:0->0.0.0.0:0 50 100 1\n";
    expect(parseHashlimit(line, { nearLimitPercent: 60 }).items[0]).toEqual({ address: "198.18.0.9", family: 4, tokensLeftPercent: 50, isNearLimit: true, expiresInSeconds: 7 });
    expect(parseHashlimit(line).items[0]!.isNearLimit).toBe(false);
  });

  it("rejects malformed lines, non-strict addresses and credit above the cap", () => {
    const text = [
      "0 198.18.0.1:0->0.0.0.0:0 10 100 1",
      "0 198.018.0.1:0->0.0.0.0:0 10 100 1",
      "0 198.18.0.2:0->0.0.0.0:0 101 100 1",
      "0 198.18.0.3:0->0.0.0.0:0 10 0 1",
      "expiry src:port->dst:port credit credit_cap cost",
      "0 ::ffff:198.18.0.4:0->:::0 10 100 1",
    ].join("\n");
    const result = parseHashlimit(text);
    expect(result.items.map((e) => e.address)).toEqual(["198.18.0.1"]);
    expect(result.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it("keeps exact ratios for values above 2^53", () => {
    const result = parseHashlimit("3 198.18.0.5:0->0.0.0.0:0 9007199254740993 18014398509481986 1\n");
    expect(result.items[0]!.tokensLeftPercent).toBe(50);
  });
});
