import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { networkContains, parseNetwork, type ParsedNetwork } from "@/lib/net/parse";
import { analyseCoverage, ipv4ToNumber, sortByNetwork } from "./coverage";

const net = (text: string): ParsedNetwork => {
  const parsed = parseNetwork(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};

describe("analyseCoverage", () => {
  it("reports duplicates, lines covered by other lines and lines covered by existing entries", () => {
    const candidates = ["192.0.2.1", "10.0.0.0/8", "10.1.2.3", "192.0.2.1", "198.51.100.7", "2001:db8::1", "203.0.113.0/24"].map(net);
    const existing = ["198.51.100.0/24", "2001:db8::/32", "203.0.113.0/24"].map(net);
    expect(analyseCoverage(candidates, existing, { checkCovered: true })).toEqual([
      null,
      null,
      { kind: "covered-by-candidate", by: 1 },
      { kind: "duplicate", of: 0 },
      { kind: "covered-by-existing", by: 0 },
      { kind: "covered-by-existing", by: 1 },
      null, // equal to an existing entry: a duplicate the database reports, not "covered"
    ]);
  });

  it("with isCandidateCover false (lines of mixed trust scopes), only existing entries cover a line", () => {
    const candidates = ["10.0.0.0/8", "10.1.2.3", "10.2.0.0/16", "198.51.100.7", "10.1.2.3"].map(net);
    const existing = ["198.51.100.0/24"].map(net);
    expect(analyseCoverage(candidates, existing, { checkCovered: true, isCandidateCover: false })).toEqual([
      null,
      null,
      null,
      { kind: "covered-by-existing", by: 0 },
      { kind: "duplicate", of: 1 },
    ]);
  });

  it("reports only duplicates when coverage is not checked", () => {
    expect(analyseCoverage(["10.0.0.0/8", "10.0.0.1", "10.0.0.1"].map(net), [], { checkCovered: false })).toEqual([
      null,
      null,
      { kind: "duplicate", of: 1 },
    ]);
  });

  it("agrees with a brute-force containment check", () => {
    const v4 = fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 20, max: 32 }))
      .map(([a, b, prefix]) => {
        const value = ((10 << 24) | (b << 16) | (a << 8)) >>> 0;
        const masked = prefix === 32 ? value : value & ~((1 << (32 - prefix)) - 1) >>> 0;
        return net(`${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}/${prefix}`);
      });
    fc.assert(
      fc.property(fc.array(v4, { maxLength: 40 }), fc.array(v4, { maxLength: 20 }), (candidates, existingRaw) => {
        const existing = [...new Map(existingRaw.map((n) => [n.canonical, n])).values()];
        const verdicts = analyseCoverage(candidates, existing, { checkCovered: true });
        candidates.forEach((candidate, i) => {
          const verdict = verdicts[i];
          const firstIndex = candidates.findIndex((c) => c.canonical === candidate.canonical);
          if (firstIndex < i) {
            expect(verdict).toEqual({ kind: "duplicate", of: firstIndex });
            return;
          }
          const strictlyWider = (w: ParsedNetwork) => w.prefixLength < candidate.prefixLength && networkContains(w, candidate);
          const isCovered = existing.some(strictlyWider) || candidates.some(strictlyWider);
          expect(verdict !== null, `${candidate.canonical}`).toBe(isCovered);
          if (verdict?.kind === "covered-by-existing") expect(strictlyWider(existing[verdict.by]!)).toBe(true);
          if (verdict?.kind === "covered-by-candidate") expect(strictlyWider(candidates[verdict.by]!)).toBe(true);
        });
      }),
    );
  });
});

describe("sortByNetwork", () => {
  it("orders like PostgreSQL's inet btree: IPv4 first, by address", () => {
    const networks = ["2001:db8::1", "10.0.0.1", "10.0.0.0/7", "9.255.255.255", "2001:db8::/32", "255.255.255.255", "0.0.0.1"].map(net);
    const order = sortByNetwork(networks, networks.map((_, i) => i));
    expect(order.map((i) => networks[i]!.canonical)).toEqual([
      "0.0.0.1",
      "9.255.255.255",
      "10.0.0.0/7",
      "10.0.0.1",
      "255.255.255.255",
      "2001:db8::/32",
      "2001:db8::1",
    ]);
    expect(sortByNetwork(networks, [1, 0])).toEqual([1, 0]);
  });

  it("reads canonical IPv4 text as a number", () => {
    expect(ipv4ToNumber("0.0.0.0")).toBe(0);
    expect(ipv4ToNumber("255.255.255.255")).toBe(2 ** 32 - 1);
    expect(ipv4ToNumber("10.1.2.3")).toBe(((10 << 24) | (1 << 16) | (2 << 8) | 3) >>> 0);
  });
});
