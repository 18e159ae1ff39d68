import { describe, expect, it } from "vitest";

import { formatFailedSignInLogLine } from "./web-log";

const AT = new Date("2025-01-31T12:00:00.000Z");

describe("formatFailedSignInLogLine", () => {
  it("writes time, tag, the canonical address at a fixed position, then the account", () => {
    expect(formatFailedSignInLogLine("192.0.2.1", AT, "alice@example.com")).toBe(
      "2025-01-31T12:00:00.000Z rampart-panel: failed sign-in from 192.0.2.1 account alice@example.com",
    );
    expect(formatFailedSignInLogLine("2001:DB8::0:1", AT)).toBe("2025-01-31T12:00:00.000Z rampart-panel: failed sign-in from 2001:db8::1 account -");
  });
  it("writes IPv4-mapped client addresses as IPv4", () => {
    expect(formatFailedSignInLogLine("::ffff:192.0.2.7", AT, null)).toContain(" from 192.0.2.7 account -");
  });
  it("percent-encodes everything outside [A-Za-z0-9._+@-], so the account cannot break the line or pose as the address", () => {
    const line = formatFailedSignInLogLine("192.0.2.1", AT, "x\n2025-01-31T12:00:00.000Z rampart-panel: failed sign-in from 203.0.113.66 account y");
    expect(line.split("\n")).toHaveLength(1);
    expect(line).toBe(
      "2025-01-31T12:00:00.000Z rampart-panel: failed sign-in from 192.0.2.1 account " +
        "x%0A2025-01-31T12%3A00%3A00.000Z%20rampart-panel%3A%20failed%20sign-in%20from%20203.0.113.66%20account%20y",
    );
    expect(line.split(" ")).toHaveLength(8);
    expect(formatFailedSignInLogLine("192.0.2.1", AT, 'é"%')).toContain("account %C3%A9%22%25");
  });
  it("throws on anything that is not an address", () => {
    expect(() => formatFailedSignInLogLine("example.com", AT)).toThrow(TypeError);
    expect(() => formatFailedSignInLogLine("192.0.2.1 x", AT)).toThrow(TypeError);
    expect(() => formatFailedSignInLogLine("192.0.2.1", new Date(Number.NaN))).toThrow(TypeError);
  });
});
