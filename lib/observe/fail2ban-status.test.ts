import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { buildJailReport, parseBanTimes, parseJailList, parseJailStatus, parseUtcOffset } from "./fail2ban-status";

// Fixtures are real fail2ban 1.0.2 output (fail2ban-server in a throw-away network namespace, dummy action).
const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
const UTC = { utcOffsetMinutes: 0 };

describe("parseJailList", () => {
  it("reads the jail names of fail2ban-client status", () => {
    expect(parseJailList(fixture("f2b-status.txt"))).toEqual({ jails: ["rampart-asterisk", "rampart-recidive"], rejected: [] });
  });

  it("reads an empty jail list", () => {
    expect(parseJailList("Status\n|- Number of jail:\t0\n`- Jail list:\t\n")).toEqual({ jails: [], rejected: [] });
  });

  it("reports names fail2ban cannot have printed, and a count that disagrees", () => {
    const result = parseJailList("Status\n|- Number of jail:\t2\n`- Jail list:\trampart-asterisk, $(reboot)\n");
    expect(result.jails).toEqual(["rampart-asterisk"]);
    expect(result.rejected.map((r) => r.reason)).toEqual(["not a jail name: $(reboot)", "fail2ban reported 2 jails but listed 1"]);
  });

  it("refuses text that is not a jail list", () => {
    expect(parseJailList("ERROR  Failed to access socket path").rejected.at(-1)?.reason).toMatch(/no “Jail list” line/);
  });
});

describe("parseJailStatus", () => {
  it("reads counters and banned addresses", () => {
    expect(parseJailStatus(fixture("f2b-status-jail.txt"))).toEqual({
      jail: "rampart-asterisk",
      currentlyFailed: 1,
      totalFailed: 2,
      currentlyBanned: 3,
      totalBanned: 3,
      bannedAddresses: ["198.18.1.10", "198.18.1.11", "2001:db8::10"],
      rejected: [],
    });
  });

  it("reads a jail without bans (the list field ends in a tab)", () => {
    const status = parseJailStatus(fixture("f2b-status-jail-empty.txt"));
    expect(status).toMatchObject({ jail: "rampart-recidive", currentlyBanned: 0, totalBanned: 1, bannedAddresses: [], rejected: [] });
  });

  it("returns null for the answer about an unknown jail", () => {
    expect(parseJailStatus("Sorry but the jail 'nosuch' does not exist\n")).toBeNull();
  });

  it("passes on only addresses the strict parser accepts", () => {
    const text = fixture("f2b-status-jail.txt").replace("198.18.1.11", "010.1.1.1");
    const status = parseJailStatus(text)!;
    expect(status.bannedAddresses).toEqual(["198.18.1.10", "2001:db8::10"]);
    expect(status.rejected).toHaveLength(1);
    expect(status.rejected[0]!.text).toBe("010.1.1.1");
  });

  it("reports missing counters", () => {
    const status = parseJailStatus("Status for the jail: x\n`- Actions\n   `- Banned IP list:\t198.18.0.1\n")!;
    expect(status.bannedAddresses).toEqual(["198.18.0.1"]);
    expect(status.rejected.map((r) => r.reason)).toContain("missing “Total failed” in the status of x");
  });
});

describe("parseBanTimes", () => {
  it("reads start and end of timed bans", () => {
    const result = parseBanTimes(fixture("f2b-banip-with-time.txt"), UTC);
    expect(result.rejected).toEqual([]);
    expect(result.items).toEqual([
      { address: "198.18.1.10", family: 4, bannedAt: new Date("2026-11-21T14:34:39Z"), banSeconds: 600, expiresAt: new Date("2026-11-21T14:44:39Z") },
      { address: "198.18.1.11", family: 4, bannedAt: new Date("2026-11-21T14:34:39Z"), banSeconds: 600, expiresAt: new Date("2026-11-21T14:44:39Z") },
      { address: "2001:db8::10", family: 6, bannedAt: new Date("2026-11-21T14:34:39Z"), banSeconds: 600, expiresAt: new Date("2026-11-21T14:44:39Z") },
    ]);
  });

  it("reads a permanent ban as no expiry", () => {
    expect(parseBanTimes(fixture("f2b-banip-with-time-permanent.txt"), UTC).items).toEqual([
      { address: "198.18.2.20", family: 4, bannedAt: new Date("2026-11-21T14:34:39Z"), banSeconds: null, expiresAt: null },
    ]);
  });

  it("applies the node's UTC offset to fail2ban's local times", () => {
    const [ban] = parseBanTimes(fixture("f2b-banip-with-time.txt"), { utcOffsetMinutes: 60 }).items;
    expect(ban!.bannedAt.toISOString()).toBe("2026-11-21T13:34:39.000Z");
    expect(parseUtcOffset("+0100")).toBe(60);
    expect(parseUtcOffset("-05:30")).toBe(-330);
    expect(parseUtcOffset("CET")).toBeNull();
  });

  it("rejects bad addresses, impossible dates and inconsistent ends, line by line", () => {
    const text = [
      "198.18.1.1 \t2026-11-21 14:34:39 + 600 = 2026-11-21 14:44:39",
      "198.18.1.022 \t2026-11-21 14:34:39 + 600 = 2026-11-21 14:44:39",
      "198.18.1.3 \t2026-02-31 14:34:39 + 600 = 2026-02-31 14:44:39",
      "198.18.1.4 \t2026-11-21 14:34:39 + 600 = 2026-11-21 15:44:39",
      "host.example \t2026-11-21 14:34:39 + 600 = 2026-11-21 14:44:39",
      "garbage",
    ].join("\n");
    const result = parseBanTimes(text, UTC);
    expect(result.items.map((b) => b.address)).toEqual(["198.18.1.1"]);
    expect(result.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
    expect(result.rejected[2]!.reason).toBe("ban end does not match start + ban time");
  });
});

describe("buildJailReport", () => {
  it("joins the status and the timed list, keeping addresses only one of them saw", () => {
    const status = parseJailStatus(fixture("f2b-status-jail.txt"))!;
    const timed = parseBanTimes(fixture("f2b-banip-with-time.txt").split("\n").slice(1).join("\n"), UTC);
    const report = buildJailReport(status, timed);
    expect(report).toMatchObject({ jail: "rampart-asterisk", currentlyFailed: 1, totalFailed: 2, rejected: [] });
    expect(report.bans).toEqual([
      { address: "198.18.1.10", family: 4, bannedAt: null, expiresAt: null, isPermanent: false },
      { address: "198.18.1.11", family: 4, bannedAt: new Date("2026-11-21T14:34:39Z"), expiresAt: new Date("2026-11-21T14:44:39Z"), isPermanent: false },
      { address: "2001:db8::10", family: 6, bannedAt: new Date("2026-11-21T14:34:39Z"), expiresAt: new Date("2026-11-21T14:44:39Z"), isPermanent: false },
    ]);
  });
});
