import { describe, expect, it } from "vitest";
import { csvHeader, entryToCsvRow, exportFileName } from "./export";
import { parseImportText } from "./import-parse";

describe("CSV export", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const entry = {
    network: "192.0.2.0/24",
    comment: "=cmd|' /C calc'!A0",
    expiresAt: new Date("2025-06-01T00:00:00Z"),
    createdAt: new Date("2025-01-01T00:00:00Z"),
    author: "@ops",
    scope: null,
  };

  it("writes a header and protected cells, with the status at export time", () => {
    expect(csvHeader()).toBe("network,comment,expires_at,status,created_at,author\r\n");
    expect(entryToCsvRow(entry, now)).toBe(
      "192.0.2.0/24,'=cmd|' /C calc'!A0,2025-06-01T00:00:00.000Z,expired,2025-01-01T00:00:00.000Z,'@ops\r\n",
    );
    expect(exportFileName("blocklist", now)).toBe("blocklist-2026-01-01.csv");
  });

  it("re-imports an export of valid entries unchanged", () => {
    const rows = [
      { ...entry, comment: "-scanner", expiresAt: new Date("2030-01-01T00:00:00Z") },
      { ...entry, network: "2001:db8::/48", comment: "office, floor 2", expiresAt: null },
    ];
    const text = csvHeader() + rows.map((row) => entryToCsvRow(row, now)).join("");
    const parsed = parseImportText(text, { format: "auto", now });
    expect(parsed.rejected).toEqual([]);
    expect(parsed.candidates.map((c) => [c.network.canonical, c.comment, c.expiresAt?.toISOString() ?? null])).toEqual([
      ["192.0.2.0/24", "-scanner", "2030-01-01T00:00:00.000Z"],
      ["2001:db8::/48", "office, floor 2", null],
    ]);
  });

  it("adds a scope column to the whitelist export, and a whitelist import reads each line's scope back", () => {
    const rows = [
      { ...entry, network: "198.51.100.7", comment: "trunk", expiresAt: null, scope: "ALL" as const },
      { ...entry, network: "203.0.113.0/24", comment: "office phones", expiresAt: null, scope: "SIP" as const },
      { ...entry, network: "2001:db8::/48", comment: "", expiresAt: null, scope: "NO_BAN" as const },
    ];
    const header = csvHeader({ hasScope: true });
    expect(header).toBe("network,comment,expires_at,status,created_at,author,scope\r\n");
    expect(entryToCsvRow(rows[1]!, now)).toBe("203.0.113.0/24,office phones,,active,2025-01-01T00:00:00.000Z,'@ops,SIP\r\n");
    const text = header + rows.map((row) => entryToCsvRow(row, now)).join("");
    const parsed = parseImportText(text, { format: "auto", readScope: true, now });
    expect(parsed.rejected).toEqual([]);
    expect(parsed.candidates.map((c) => [c.network.canonical, c.scope])).toEqual([
      ["198.51.100.7", "ALL"],
      ["203.0.113.0/24", "SIP"],
      ["2001:db8::/48", "NO_BAN"],
    ]);
    // Other lists ignore a scope column, as they ignore the status column.
    expect(parseImportText(text, { format: "auto", now }).candidates.map((c) => c.scope)).toEqual([null, null, null]);
  });

  it("rejects a line whose scope is not one, and leaves an empty scope to the import's own", () => {
    const text = "network,scope\n192.0.2.1,sip\n192.0.2.2,everything\n192.0.2.3,\n";
    const parsed = parseImportText(text, { format: "csv", readScope: true, now });
    expect(parsed.candidates.map((c) => [c.network.canonical, c.scope])).toEqual([
      ["192.0.2.1", "SIP"],
      ["192.0.2.3", null],
    ]);
    expect(parsed.rejected).toEqual([{ line: 3, text: "192.0.2.2,everything", reason: "Scope must be ALL, SIP or NO_BAN." }]);
  });
});
