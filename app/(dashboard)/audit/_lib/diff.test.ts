import { describe, expect, it } from "vitest";
import { countChanges, diffAuditValues, stableStringify } from "./diff";

describe("diffAuditValues", () => {
  it("marks changed, unchanged, added and removed fields, in field-name order", () => {
    const rows = diffAuditValues(
      { email: "a@x.test", role: "VIEWER", disabled: false, old: 1 },
      { email: "a@x.test", role: "ADMIN", disabled: false, extra: "y" },
    );
    expect(rows).toEqual([
      { key: "disabled", before: "false", after: "false", change: "unchanged" },
      { key: "email", before: '"a@x.test"', after: '"a@x.test"', change: "unchanged" },
      { key: "extra", after: '"y"', change: "added" },
      { key: "old", before: "1", change: "removed" },
      { key: "role", before: '"VIEWER"', after: '"ADMIN"', change: "changed" },
    ]);
    expect(countChanges(rows)).toBe(3);
  });

  it("shows every field of a creation as added and of a deletion as removed", () => {
    expect(diffAuditValues(null, { name: "ci", tenantId: null })).toEqual([
      { key: "name", after: '"ci"', change: "added" },
      { key: "tenantId", after: "null", change: "added" },
    ]);
    expect(diffAuditValues({ name: "ci" }, undefined)).toEqual([{ key: "name", before: '"ci"', change: "removed" }]);
    expect(diffAuditValues(null, null)).toEqual([]);
  });

  it("flattens nested objects to dotted keys and compares arrays as values", () => {
    const rows = diffAuditValues({ limits: { burst: 100, rate: 50 }, ports: [5060] }, { limits: { burst: 200, rate: 50 }, ports: [5060, 5061] });
    expect(rows.map((r) => [r.key, r.change])).toEqual([
      ["limits.burst", "changed"],
      ["limits.rate", "unchanged"],
      ["ports", "changed"],
    ]);
  });

  it("treats objects with the same content in another key order as unchanged", () => {
    const rows = diffAuditValues({ a: [{ x: 1, y: 2 }] }, { a: [{ y: 2, x: 1 }] });
    expect(rows).toEqual([{ key: "a", before: '[{"x":1,"y":2}]', after: '[{"x":1,"y":2}]', change: "unchanged" }]);
  });

  it("compares values that are not objects as a whole", () => {
    expect(diffAuditValues("old", "new")).toEqual([{ key: "", before: '"old"', after: '"new"', change: "changed" }]);
    expect(diffAuditValues([1], [1])).toEqual([{ key: "", before: "[1]", after: "[1]", change: "unchanged" }]);
  });

  it("does not confuse a missing field with a null one", () => {
    expect(diffAuditValues({ a: null }, {})).toEqual([{ key: "a", before: "null", change: "removed" }]);
    expect(diffAuditValues({ a: {} }, { a: { b: 1 } })).toEqual([
      { key: "a", before: "{}", change: "removed" },
      { key: "a.b", after: "1", change: "added" },
    ]);
    expect(stableStringify(undefined)).toBe("null");
  });
});
