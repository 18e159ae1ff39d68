import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { parseRecentList, parseTimerListJiffies } from "./recent";

// Real lists: rampart-reg4 after 30 REGISTERs from .2, rampart-inv4 after 3 INVITEs from .4 (golden ruleset),
// and an IPv6 list with --mask ffff:ffff:ffff:ffff:: after 3 packets.
const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

describe("parseRecentList", () => {
  it("reads hits and last-seen of a real list", () => {
    expect(parseRecentList(fixture("recent-reg4.txt"))).toEqual({
      items: [{ address: "198.18.0.2", family: 4, ttl: 64, lastSeenJiffies: 4295007323, hitCount: 32, lastSeenSecondsAgo: null }],
      rejected: [],
    });
    expect(parseRecentList(fixture("recent-inv4.txt")).items[0]).toMatchObject({ address: "198.18.0.4", hitCount: 3 });
  });

  it("turns jiffies into an age when the node's clock is given", () => {
    const [entry] = parseRecentList(fixture("recent-reg4.txt"), { clock: { jiffiesNow: 4295010052, hz: 250 } }).items;
    expect(entry!.lastSeenSecondsAgo).toBe(11);
  });

  it("reads the full-form IPv6 source and masks it like the rule", () => {
    expect(parseRecentList(fixture("recent6.txt"), { sourcePrefixLength: 64 }).items[0]).toMatchObject({ address: "2001:db8:18::/64", family: 6, hitCount: 3 });
  });

  it("orders by hits and rejects what does not parse", () => {
    const text = [
      "src=198.18.0.7 ttl: 64 last_seen: 100 oldest_pkt: 1 100",
      "src=198.18.0.8 ttl: 64 last_seen: 100 oldest_pkt: 2 90, 100",
      "src=198.18.0.09 ttl: 64 last_seen: 100 oldest_pkt: 1 100",
      "src=198.18.0.10 ttl: 64",
    ].join("\n");
    const result = parseRecentList(text);
    expect(result.items.map((e) => [e.address, e.hitCount])).toEqual([
      ["198.18.0.8", 2],
      ["198.18.0.7", 1],
    ]);
    expect(result.rejected.map((r) => r.line)).toEqual([3, 4]);
  });
});

describe("parseTimerListJiffies", () => {
  it("finds the jiffies line", () => {
    expect(parseTimerListJiffies("Timer List Version: v0.9\nnow at 1 nsecs\njiffies: 4295010052\n")).toBe(4295010052);
    expect(parseTimerListJiffies("nothing")).toBeNull();
  });
});
