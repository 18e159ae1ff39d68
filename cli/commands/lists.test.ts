import { describe, expect, it } from "vitest";
import { formatImportReport, printable } from "./lists";

describe("lists import output", () => {
  it("prints the counts and every rejected line, with control characters made visible", () => {
    const lines = formatImportReport(
      {
        format: "text",
        lines: 4,
        skipped: 1,
        accepted: 1,
        duplicates: 1,
        covered: 0,
        pending: 0,
        notices: [],
        rejected: [
          { line: 2, text: "192.0.2.1", reason: "Duplicate of line 1." },
          { line: 3, text: "x\u001b[2J\u202e", reason: "The character \u001b is not allowed." },
        ],
      },
      "feed.txt",
    );
    expect(lines).toEqual([
      "read 4 lines from feed.txt (text)",
      "accepted: 1",
      "rejected: 2 (1 duplicate, 0 covered, 1 invalid)",
      "skipped:  1 (blank, comment or header lines)",
      "rejected lines:",
      '  line 2: "192.0.2.1": Duplicate of line 1.',
      '  line 3: "x\\u001b[2J\\u{202e}": The character \\u{1b} is not allowed.',
    ]);
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });

  it("leaves ordinary text alone", () => {
    expect(printable("2001:db8::1 # office")).toBe("2001:db8::1 # office");
  });
});
