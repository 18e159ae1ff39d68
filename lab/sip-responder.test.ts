import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { digestResponse, parseDigest, parseRequest, renderAuthLogLines, SipResponder, type SipResponderConfig } from "./sip-responder";

const config: SipResponderConfig = {
  address: "198.18.0.10",
  port: 5060,
  extension: "100",
  password: "secret",
  realm: "asterisk",
  messagesLog: "/dev/null",
  securityLog: "/dev/null",
  readyFile: "/dev/null",
};

const request = (method: string, extra: string[] = []) =>
  [`${method} sip:198.18.0.10 SIP/2.0`, "Via: SIP/2.0/UDP 198.18.1.10:5060;branch=z9hG4bK1", 'From: "100" <sip:100@198.18.0.10>;tag=a', "To: <sip:100@198.18.0.10>", "Call-ID: c1", `CSeq: 1 ${method}`, ...extra, "Content-Length: 0", "", ""].join("\r\n");

const peer = { transport: "UDP" as const, address: "198.18.1.10", port: 5060 };

describe("digestResponse", () => {
  it("matches RFC 2617's worked example (qop=auth)", () => {
    expect(
      digestResponse({ username: "Mufasa", realm: "testrealm@host.com", password: "Circle Of Life", method: "GET", uri: "/dir/index.html", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", qop: "auth", nc: "00000001", cnonce: "0a4f113b" }),
    ).toBe("6629fae49393a05397450978507c4ef1");
  });
});

describe("SipResponder", () => {
  it("answers OPTIONS with 200, challenges REGISTER, rejects a wrong password and accepts the right one", () => {
    const responder = new SipResponder(config);
    expect(responder.handle(parseRequest(request("OPTIONS"))!, peer)).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    const challenge = responder.handle(parseRequest(request("REGISTER"))!, peer) ?? "";
    expect(challenge).toMatch(/^SIP\/2\.0 401 Unauthorized\r\n/);
    const nonce = /nonce="([0-9a-f]+)"/.exec(challenge)?.[1] ?? "";
    const auth = (password: string) => {
      const response = digestResponse({ username: "100", realm: "asterisk", password, method: "REGISTER", uri: "sip:198.18.0.10", nonce });
      return `Authorization: Digest username="100",realm="asterisk",nonce="${nonce}",uri="sip:198.18.0.10",response="${response}",algorithm=MD5`;
    };
    expect(responder.handle(parseRequest(request("REGISTER", [auth("wrong")]))!, peer)).toMatch(/^SIP\/2\.0 403 /);
    expect(responder.handle(parseRequest(request("REGISTER", [auth("secret")]))!, peer)).toMatch(/^SIP\/2\.0 200 OK\r\n/);
  });

  it("logs an unknown account at once, without a nonce, as Asterisk does; the known extension's first REGISTER logs nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-sip-responder-"));
    const logged = { ...config, messagesLog: join(dir, "messages"), securityLog: join(dir, "security") };
    const responder = new SipResponder(logged);
    expect(responder.handle(parseRequest(request("REGISTER"))!, peer)).toMatch(/^SIP\/2\.0 401 /);
    const stranger = request("REGISTER").replace(/sip:100@/g, "sip:999@");
    expect(responder.handle(parseRequest(stranger)!, peer)).toMatch(/^SIP\/2\.0 401 /);
    const messages = readFileSync(logged.messagesLog, "utf8").trim().split("\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("failed for '198.18.1.10:5060' - No matching peer found");
    expect(readFileSync(logged.securityLog, "utf8")).toContain('SecurityEvent="InvalidAccountID"');
  });

  it("parses digest headers with quoted and bare values", () => {
    expect(parseDigest('Digest username="100", nc=00000001, qop=auth')).toEqual({ username: "100", nc: "00000001", qop: "auth" });
  });
});

describe("renderAuthLogLines", () => {
  it("writes the chan_sip and res_security_log lines the rampart-asterisk filter reads", () => {
    const lines = renderAuthLogLines({
      now: new Date(2026, 10, 21, 12, 0, 0),
      pid: 1234,
      method: "REGISTER",
      from: '"100" <sip:100@198.18.0.10>',
      peer,
      local: { transport: "UDP", address: "198.18.0.10", port: 5060 },
      outcome: { kind: "wrong-password", account: "100", challenge: "abc", response: "def" },
      sessionId: "0x1",
    });
    expect(lines.messages).toEqual([`[2026-11-21 12:00:00] NOTICE[1234] chan_sip.c: Registration from '"100" <sip:100@198.18.0.10>' failed for '198.18.1.10:5060' - Wrong password`]);
    expect(lines.security[0]).toMatch(
      /^\[2026-11-21 12:00:00\] SECURITY\[1234\] res_security_log\.c: SecurityEvent="ChallengeResponseFailed",EventTV="2026-11-21T12:00:00\.000[+-]\d{4}",Severity="Error",Service="SIP",EventVersion="1",AccountID="100",SessionID="0x1",LocalAddress="IPV4\/UDP\/198\.18\.0\.10\/5060",RemoteAddress="IPV4\/UDP\/198\.18\.1\.10\/5060",Challenge="abc",Response="def",ExpectedResponse=""$/,
    );
  });
});
