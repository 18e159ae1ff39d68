import { describe, expect, it } from "vitest";

import { LineRejection, parseMatchingLines } from "./parse-result";

describe("parseMatchingLines", () => {
  const parse = (text: string) =>
    parseMatchingLines(text, /^n=(\d+)$/, "n=<number>", (m) => {
      const n = Number(m[1]);
      return n > 100 ? new LineRejection("n is over 100") : n;
    });

  it("skips blank lines, numbers the others from 1, and keeps items in input order", () => {
    expect(parse("n=3\n\n  \nn=1\r\nbad line\nn=101\n")).toEqual({
      items: [3, 1],
      rejected: [
        { line: 5, text: "bad line", reason: "not “n=<number>”" },
        { line: 6, text: "n=101", reason: "n is over 100" },
      ],
    });
  });

  it("cuts a long rejected line to 200 characters", () => {
    const { rejected } = parse("x".repeat(500));
    expect(rejected[0]!.text).toBe(`${"x".repeat(200)}…`);
  });
});
