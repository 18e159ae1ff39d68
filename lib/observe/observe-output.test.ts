import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { ObserveOutputError, parseObserveOutput } from "./observe-output";
import { parseUnbanOutput } from "./ssh-unbanner";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8").replace(/\n$/, "");
const V = "a".repeat(64);
const D = "b".repeat(64);

function agentOutput(overrides: { tz?: string; digest?: string; end?: boolean; loaded?: string; bootRestore?: string } = {}): string {
  return [
    "@time 1795271700",
    `@tz ${overrides.tz ?? "+0100"}`,
    "@clock 4295244310 250",
    `@version ${V}`,
    `@confirmed-digest ${D}`,
    `@digest ${overrides.digest ?? D}`,
    ...(overrides.loaded === undefined ? [] : [`@loaded ${overrides.loaded}`]),
    ...(overrides.bootRestore === undefined ? [] : [`@boot-restore ${overrides.bootRestore}`]),
    "@fail2ban-up",
    "@jail rampart-asterisk",
    fixture("f2b-status-jail.txt"),
    "@banip rampart-asterisk",
    fixture("f2b-banip-with-time.txt"),
    "@hashlimit /proc/net/ipt_hashlimit/rampart-sip4",
    "0 198.18.1.11:0->0.0.0.0:0 5497558138880 6871947650000000 137438953000000",
    "0 198.18.1.12:0->0.0.0.0:0 6734508697000000 6871947650000000 137438953000000",
    "@recent /proc/net/xt_recent/rampart-reg4",
    "src=198.18.1.11 ttl: 64 last_seen: 4295243810 oldest_pkt: 3 4295243800, 4295243805, 4295243810",
    "@recent /proc/net/xt_recent/not-ours",
    "src=198.18.1.99 ttl: 64 last_seen: 4295243810 oldest_pkt: 1 4295243810",
    "@counters4",
    "*filter",
    ":RAMPART-INPUT - [0:0]",
    "[7:420] -A RAMPART-INPUT -p udp -m multiport --dports 5060 -j RAMPART-SIP",
    "@counters6",
    "@registrations 0 400",
    '[2026-11-21 14:00:00] SECURITY[4242] res_security_log.c: SecurityEvent="SuccessfulAuth",EventTV="2026-11-21T14:00:00.000+0000",Severity="Informational",Service="SIP",EventVersion="1",AccountID="100",SessionID="0x1",LocalAddress="IPV4/UDP/198.18.0.10/5060",RemoteAddress="IPV4/UDP/198.18.1.20/5060",UsingPassword="1"',
    '[2026-11-21 14:00:01] SECURITY[4242] res_security_log.c: SecurityEvent="SuccessfulAuth",EventTV="2026-11-21T14:00:01.000+0000",AccountID="x",RemoteAddress="IPV4/UDP/198.18.1.21/5060",RemoteAddress="IPV4/UDP/10.0.0.1/5060"',
    "@cdrs 0 600 600",
    '"acme","1001","00441234567","tenant-acme","""1001"" <1001>","PJSIP/1001-00000000","PJSIP/carrier-00000001","Dial","PJSIP/0441234567@carrier,60","2026-12-04 01:30:03","2026-12-04 01:30:03","2026-12-04 01:30:07",4,4,"ANSWERED","DOCUMENTATION","node1-1796347803.0",""',
    '"acme","1001","00441234567","tenant-acme","","PJSIP/1001-00000002","","Dial","","2026-12-04 01:31:00","","2026-12-04 01:31:09",9,0,"NO ANSWER","DOCUMENTATION","node1-1796347860.2",""',
    "!long 5000",
    '!@end","1001"',
    '"acme","1001"',
    ...(overrides.end === false ? [] : ["@end"]),
    "",
  ].join("\n");
}

describe("parseObserveOutput", () => {
  it("turns the agent's sections into the stored observation", () => {
    const { observation, jails, registrations, isFail2banUp } = parseObserveOutput(agentOutput(), 42);
    expect(isFail2banUp).toBe(true);
    expect(observation).toMatchObject({ format: 1, pollMs: 42, runningVersion: V, drift: { digest: D, confirmedDigest: D, drifted: false }, nodeTime: "2026-11-21T14:35:00.000Z" });
    expect(jails.map((j) => j.jail)).toEqual(["rampart-asterisk"]);
    const ban = observation.jails[0]!.bans.find((b) => b.address === "198.18.1.10")!;
    // fail2ban printed 14:34:39 local time at +01:00.
    expect(ban).toMatchObject({ bannedAt: "2026-11-21T13:34:39.000Z", expiresAt: "2026-11-21T13:44:39.000Z", isPermanent: false });
    expect(observation.rateTable.map((r) => [r.address, r.tokensLeftPercent, r.isNearLimit])).toEqual([
      ["198.18.1.11", 0.08, true],
      ["198.18.1.12", 98, false],
    ]);
    expect(observation.recent).toEqual([{ list: "rampart-reg4", entries: [{ address: "198.18.1.11", hitCount: 3, lastSeenSecondsAgo: 2 }] }]);
    expect(observation.counters.sip).toEqual({ packets: 7, bytes: 420 });
    // The line with a repeated RemoteAddress is refused, never guessed at.
    expect(registrations.map((r) => r.address)).toEqual(["198.18.1.20"]);
    expect(observation.rejectedLines.registrations).toBe(1);
  });

  it("reads the call records of @cdrs and counts the lines it refused (too long, marked by the agent, cut)", () => {
    const { callRecords, observation } = parseObserveOutput(agentOutput(), 1);
    expect(callRecords.map((r) => [r.uniqueId, r.disposition, r.billSeconds, r.answeredAt])).toEqual([
      ["node1-1796347803.0", "ANSWERED", 4, new Date("2026-12-04T01:30:03Z")],
      ["node1-1796347860.2", "NO ANSWER", 0, null],
    ]);
    expect(observation.callRecords).toBe(2);
    expect(observation.rejectedLines.cdrs).toBe(3);
  });

  it("reports drift and refuses output that was cut before @end", () => {
    expect(parseObserveOutput(agentOutput({ digest: "c".repeat(64) }), 1).observation.drift.drifted).toBe(true);
    expect(() => parseObserveOutput(agentOutput({ end: false }), 1)).toThrow(ObserveOutputError);
  });

  it("reports a node rebooted without restore (no chains, nothing restores at boot) as not running its confirmed version", () => {
    // The live digest of a node with no Rampart chains and no sets: what `digest` prints after such a reboot.
    const { observation } = parseObserveOutput(agentOutput({ digest: "e".repeat(64), loaded: "0", bootRestore: "none" }), 1);
    expect(observation.drift.drifted).toBe(true);
    expect(observation.drift.message).toMatch(/^Running state does not match confirmed version aaaaaaaaaaaa: Rampart's chains are not loaded/);
    expect(observation.bootRestore).toBe("none");
  });

  it("stores the boot restore and a matching state in words; an older agent's output gives bootRestore null", () => {
    const current = parseObserveOutput(agentOutput({ loaded: "1", bootRestore: "unit" }), 1).observation;
    expect(current).toMatchObject({ bootRestore: "unit", drift: { drifted: false, message: "Running state matches confirmed version aaaaaaaaaaaa." } });
    const older = parseObserveOutput(agentOutput({ digest: "c".repeat(64) }), 1).observation;
    expect(older.bootRestore).toBeNull();
    expect(older.drift.message).toContain("changed outside Rampart");
  });

  it("reads no jails when fail2ban is down, so no ban is closed by mistake", () => {
    const text = ["@time 1795271700", "@tz +0000", "@version ", "@digest ", "@fail2ban-down", "@end"].join("\n");
    const parsed = parseObserveOutput(text, 1);
    expect(parsed.isFail2banUp).toBe(false);
    expect(parsed.jails).toEqual([]);
    expect(parsed.observation.drift.drifted).toBeNull();
  });
});

describe("parseUnbanOutput", () => {
  it("maps the agent's answer lines to the requested addresses and jails, anything else unconfirmed", () => {
    const out = "rampart-asterisk 198.18.1.10 unbanned\nrampart-asterisk 2001:db8::10 still-banned\nrampart-web 198.18.1.12 unbanned\n";
    const outcomes = parseUnbanOutput(out, { jails: ["rampart-asterisk"], addresses: ["198.18.1.10", "2001:db8::10", "198.18.1.12"] });
    expect(outcomes.map((o) => [o.address, o.jail, o.state])).toEqual([
      ["198.18.1.10", "rampart-asterisk", "unbanned"],
      ["2001:db8::10", "rampart-asterisk", "still-banned"],
      // Answered for another jail than the one asked: not an answer to this request.
      ["198.18.1.12", "rampart-asterisk", "unconfirmed"],
    ]);
  });

  it("reads not-banned per jail, refused as unconfirmed, and matches addresses by their canonical text", () => {
    const out = [
      "rampart-asterisk 198.18.1.10 not-banned",
      "rampart-web 198.18.1.10 unbanned",
      "rampart-web-auth 198.18.1.10 not-banned",
      "rampart-recidive 198.18.1.10 refused",
      "rampart-asterisk 2001:0db8:0:0::10 not-banned",
      "rampart-asterisk 198.18.1.11 not-banned trailing",
      "",
    ].join("\n");
    const outcomes = parseUnbanOutput(out, { jails: ["rampart-asterisk", "rampart-web", "rampart-web-auth", "rampart-recidive"], addresses: ["198.18.1.10", "2001:db8::10", "198.18.1.11"] });
    const state = (jail: string, address: string) => outcomes.find((o) => o.jail === jail && o.address === address)?.state;
    expect(outcomes).toHaveLength(12);
    expect(state("rampart-asterisk", "198.18.1.10")).toBe("not-banned");
    expect(state("rampart-web", "198.18.1.10")).toBe("unbanned");
    expect(state("rampart-web-auth", "198.18.1.10")).toBe("not-banned");
    expect(state("rampart-recidive", "198.18.1.10")).toBe("unconfirmed");
    expect(state("rampart-asterisk", "2001:db8::10")).toBe("not-banned");
    expect(state("rampart-web", "2001:db8::10")).toBe("unconfirmed");
    expect(state("rampart-asterisk", "198.18.1.11")).toBe("unconfirmed");
  });
});
