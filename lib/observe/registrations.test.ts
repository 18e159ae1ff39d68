import { describe, expect, it } from "vitest";

import { parseRegistrationLine, parseRegistrations, resumeOffset } from "./registrations";

// Lines in the exact format Asterisk 22's res_security_log writes (captured from the lab's Asterisk nodes), with the
// account id and the peer address as parameters.
const now = new Date("2026-11-21T14:00:00.123Z");
const success = (account = "100", address = "198.18.0.2") =>
  `[2026-11-21 14:00:00] SECURITY[4242] res_security_log.c: SecurityEvent="SuccessfulAuth",EventTV="2026-11-21T14:00:00.123+0000",Severity="Informational",Service="PJSIP",EventVersion="1",AccountID="${account}",SessionID="9f30da55-8ee7-4bed-98f5-913379272b00",LocalAddress="IPV4/UDP/198.18.0.1/5060",RemoteAddress="IPV4/UDP/${address}/5062",UsingPassword="1"`;
const failure =
  '[2026-11-21 14:00:00] SECURITY[4242] res_security_log.c: SecurityEvent="ChallengeResponseFailed",EventTV="2026-11-21T14:00:00.123+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="100",SessionID="3735995230",LocalAddress="IPV4/UDP/198.18.0.1/5060",RemoteAddress="IPV4/UDP/198.18.0.2/5062",Challenge="1796347978/b7bc84aff61decc2c94d0ea34300f1cd",ReceivedChallenge="1796347978/b7bc84aff61decc2c94d0ea34300f1cd",ReceivedHash="6d1f3c2a"';
const bytes = (text: string) => new TextEncoder().encode(text);

describe("parseRegistrationLine", () => {
  it("reads address, account and time of a SuccessfulAuth", () => {
    expect(parseRegistrationLine(success())).toEqual({ kind: "ok", value: { address: "198.18.0.2", family: 4, accountId: "100", at: now } });
  });

  it("skips other events", () => {
    expect(parseRegistrationLine(failure)).toEqual({ kind: "skip" });
    expect(parseRegistrationLine("[2026-11-21 14:00:00] NOTICE[1] chan_sip.c: Registration from x")).toEqual({ kind: "skip" });
  });

  it("refuses a caller-supplied account id that smuggles in a second RemoteAddress", () => {
    const line = success('100",RemoteAddress="IPV4/UDP/198.18.9.9/5060');
    expect(line.match(/RemoteAddress=/g)).toHaveLength(2);
    expect(parseRegistrationLine(line)).toEqual({ kind: "reject", reason: "field RemoteAddress appears twice" });
  });

  it("refuses a stray quote, a non-strict address and a mismatched family tag", () => {
    expect(parseRegistrationLine(success('1"00'))).toMatchObject({ kind: "reject" });
    expect(parseRegistrationLine(success("100", "198.18.0.02"))).toMatchObject({ kind: "reject", reason: expect.stringMatching(/does not parse/) });
    expect(parseRegistrationLine(success("100", "2001:db8::2"))).toMatchObject({ kind: "reject", reason: expect.stringMatching(/IPV4\/IPV6 tag/) });
  });

  it("reads IPv6 peers and the epoch EventTV of older Asterisk versions", () => {
    const line = success().replace("IPV4/UDP/198.18.0.2/5062", "IPV6/UDP/2001:db8::2/5062").replace(/EventTV="[^"]*"/, 'EventTV="1795269600-500000"');
    expect(parseRegistrationLine(line)).toEqual({ kind: "ok", value: { address: "2001:db8::2", family: 6, accountId: "100", at: new Date(1795269600500) } });
  });
});

describe("parseRegistrations", () => {
  it("reads complete lines from the offset and leaves a partial line for the next read", () => {
    const text = `${success("100")}\n${failure}\n${success("200", "198.18.0.3")}\n${success("300").slice(0, 40)}`;
    const chunk = parseRegistrations(bytes(text), 1000);
    expect(chunk.items.map((r) => [r.accountId, r.address])).toEqual([
      ["100", "198.18.0.2"],
      ["200", "198.18.0.3"],
    ]);
    const consumed = text.lastIndexOf("\n") + 1;
    expect(chunk.nextOffset).toBe(1000 + consumed);
    expect(chunk.rejected).toEqual([]);
  });

  it("counts offsets in bytes, not characters", () => {
    const text = `# übergroß\n${success()}\n`;
    const chunk = parseRegistrations(bytes(text), 0);
    expect(chunk.items).toHaveLength(1);
    expect(chunk.nextOffset).toBe(bytes(text).length);
    expect(chunk.nextOffset).toBeGreaterThan(text.length);
  });

  it("consumes nothing without a complete line, and reports rejected lines by number", () => {
    expect(parseRegistrations(bytes("partial"), 7)).toEqual({ items: [], rejected: [], nextOffset: 7 });
    const chunk = parseRegistrations(bytes(`${failure}\n${success('x",RemoteAddress="IPV4/UDP/198.18.9.9/1')}\n`), 0);
    expect(chunk.items).toEqual([]);
    expect(chunk.rejected.map((r) => r.line)).toEqual([2]);
  });

  it("restarts at 0 after log rotation", () => {
    expect(resumeOffset(5000, 120)).toBe(0);
    expect(resumeOffset(100, 120)).toBe(100);
  });
});
