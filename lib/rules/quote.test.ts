import { describe, expect, it } from "vitest";

import { quoteValue, UnsafeValueError } from "./quote";

describe("quoteValue", () => {
  it("wraps allow-listed text in double quotes, unchanged", () => {
    expect(quoteValue("friendly-scanner")).toBe('"friendly-scanner"');
    expect(quoteValue("a b (c) : d #1 [x] <y> & ; | ~")).toBe('"a b (c) : d #1 [x] <y> & ; | ~"');
    expect(quoteValue("")).toBe('""');
  });
  it.each(['"', "'", "\\", "%", "$", "`", "\n", "\r", "\u0000", "é", "\u2028"])("throws on %j", (bad) => {
    expect(() => quoteValue(`x${bad}y`)).toThrow(UnsafeValueError);
  });
  it("throws on more than 255 characters", () => {
    expect(() => quoteValue("x".repeat(256))).toThrow(UnsafeValueError);
  });
});
