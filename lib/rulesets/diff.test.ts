import { describe, expect, it } from "vitest";
import { compareLines } from "./diff";

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
