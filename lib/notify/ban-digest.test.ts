import { describe, expect, it } from "vitest";

import { buildBanDigest, formatDigestTime, type DigestBan } from "./ban-digest";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 14, minute, 9));

function ban(address: string, minute: number, extra: Partial<DigestBan> = {}): DigestBan {
  return { address, country: "DE", jail: "rampart-asterisk", node: "pbx-1", bannedAt: at(minute), ...extra };
}

describe("buildBanDigest", () => {
  it("answers null when nothing is new (no mail)", () => {
    expect(buildBanDigest({ bans: [], since: at(0), until: at(5) })).toBeNull();
    expect(buildBanDigest({ bans: [], totalCount: 0, since: null, until: at(5) })).toBeNull();
  });

  it("names the one ban in the subject", () => {
    const digest = buildBanDigest({ bans: [ban("198.51.100.7", 1)], since: at(0), until: at(5) })!;
    expect(digest.subject).toBe("[Rampart] New ban: 198.51.100.7 (rampart-asterisk on pbx-1)");
    expect(digest.count).toBe(1);
    expect(digest.text).toContain("Rampart recorded 1 new ban between 2026-11-21 14:00:09 UTC and 2026-11-21 14:05:09 UTC.");
    expect(digest.text).toMatch(/2026-11-21 14:01:09\s+198\.51\.100\.7\s+DE\s+rampart-asterisk\s+pbx-1/);
  });

  it("groups a wave into one message with counts of bans, addresses and nodes", () => {
    const bans = [
      ban("198.51.100.9", 3, { node: "pbx-2" }),
      ban("198.51.100.7", 1),
      ban("198.51.100.7", 2, { node: "pbx-2", jail: "rampart-recidive" }),
      ban("2001:db8::1", 2, { country: null }),
    ];
    const digest = buildBanDigest({ bans, since: null, until: at(5), bansPageUrl: "https://rampart.example/bans" })!;
    expect(digest.subject).toBe("[Rampart] 4 new bans of 3 addresses on 2 nodes");
    expect(digest.text).toContain("Rampart recorded 4 new bans up to 2026-11-21 14:05:09 UTC.");
    // Oldest first, ties by address.
    const rows = digest.text.split("\n").filter((l) => l.startsWith("2026-"));
    expect(rows.map((r) => r.split(/\s+/)[2])).toEqual(["198.51.100.7", "198.51.100.7", "2001:db8::1", "198.51.100.9"]);
    expect(rows[2]).toMatch(/2001:db8::1\s+--\s+rampart-asterisk/);
    expect(digest.text).toContain("Review and lift bans: https://rampart.example/bans");
    expect(digest.text).not.toContain("more.");
  });

  it("caps the list and says how many more there are", () => {
    const bans = Array.from({ length: 12 }, (_, i) => ban(`198.51.100.${i + 1}`, i));
    const digest = buildBanDigest({ bans, since: at(0), until: at(30), limit: 5 })!;
    expect(digest.text.split("\n").filter((l) => l.startsWith("2026-"))).toHaveLength(5);
    expect(digest.text).toContain("…and 7 more.");
    expect(digest.subject).toBe("[Rampart] 12 new bans of 12 addresses on 1 node");
  });

  it("counts events the caller did not pass (a capped read) and says 'at least' for distinct counts", () => {
    const digest = buildBanDigest({ bans: [ban("198.51.100.1", 1), ban("198.51.100.2", 2)], totalCount: 250, since: at(0), until: at(9), limit: 50 })!;
    expect(digest.count).toBe(250);
    expect(digest.subject).toBe("[Rampart] 250 new bans of at least 2 addresses on at least 1 node");
    expect(digest.text).toContain("…and 248 more.");
  });

  it("is deterministic and keeps the subject on one line", () => {
    const bans = [ban("198.51.100.2", 1), ban("198.51.100.1", 1)];
    const a = buildBanDigest({ bans, since: at(0), until: at(5) })!;
    const b = buildBanDigest({ bans: [...bans].reverse(), since: at(0), until: at(5) })!;
    expect(a).toEqual(b);
    expect(a.subject).not.toMatch(/[\r\n]/);
  });
});

describe("formatDigestTime", () => {
  it("prints UTC with seconds", () => {
    expect(formatDigestTime(at(7))).toBe("2026-11-21 14:07:09 UTC");
  });
});
