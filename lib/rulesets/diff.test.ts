import { describe, expect, it } from "vitest";
import { compareArtefacts, compareLines, formatChangeSummary } from "./diff";

describe("compareLines", () => {
  it("reports added and removed lines", () => {
    const changes = compareLines("a\nb\nc\n", "a\nc\nd\n");
    expect(changes).toEqual({ added: ["d"], removed: ["b"], addedCount: 1, removedCount: 1 });
  });

  it("counts repeated lines", () => {
    expect(compareLines("x\nx\n", "x\n")).toMatchObject({ removedCount: 1, addedCount: 0 });
    expect(compareLines("x\n", "x\nx\nx\n")).toMatchObject({ addedCount: 2, removedCount: 0 });
  });

  it("finds nothing between equal texts, whatever the order", () => {
    expect(compareLines("a\nb\n", "b\na\n")).toMatchObject({ addedCount: 0, removedCount: 0 });
  });

  it("caps the listed lines but not the counts", () => {
    const next = Array.from({ length: 500 }, (_, i) => `add x${i}`).join("\n");
    const changes = compareLines("", next, 10);
    expect(changes.added).toHaveLength(10);
    expect(changes.addedCount).toBe(500);
  });
});

describe("compareArtefacts", () => {
  it("compares every path of either version, leaves the manifest and unchanged files out, in path order", () => {
    const previous = { "manifest.json": '{"v":1}', "iptables.rules": "a\nb\n", "ipset.restore": "x\n", "old.conf": "gone\n" };
    const next = { "manifest.json": '{"v":2}', "iptables.rules": "a\nc\n", "ipset.restore": "x\n", "fail2ban/new.local": "n\n" };
    expect(compareArtefacts(previous, next)).toEqual([
      { path: "fail2ban/new.local", added: ["n"], removed: [], addedCount: 1, removedCount: 0 },
      { path: "iptables.rules", added: ["c"], removed: ["b"], addedCount: 1, removedCount: 1 },
      { path: "old.conf", added: [], removed: ["gone"], addedCount: 0, removedCount: 1 },
    ]);
  });

  it("counts without listing at limit 0", () => {
    expect(compareArtefacts({ a: "1\n" }, { a: "2\n3\n" }, 0)).toEqual([{ path: "a", added: [], removed: [], addedCount: 2, removedCount: 1 }]);
  });
});

describe("formatChangeSummary", () => {
  it("says what changed per artefact in one line", () => {
    expect(formatChangeSummary([{ path: "ipset.restore", addedCount: 1200, removedCount: 0 }, { path: "iptables.rules", addedCount: 3, removedCount: 1 }], true)).toBe(
      "ipset.restore +1,200, iptables.rules +3 −1",
    );
    expect(formatChangeSummary([], true)).toBe("No line changes");
    expect(formatChangeSummary([], false)).toBe("First stored version");
  });
});
