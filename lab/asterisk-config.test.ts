import { describe, expect, it } from "vitest";

import { phoneRegistration, renderCarrierAsterisk, renderNodeAsterisk, renderPhoneAsterisk } from "./asterisk-config";

const extensions = [
  { tenant: "acme", extension: "1001", password: "Secret1001x" },
  { tenant: "acme", extension: "1002", password: "Secret1002x" },
  { tenant: "globex", extension: "2001", password: "Secret2001x" },
];
const node = renderNodeAsterisk({ name: "node1", address: "198.18.0.10", extensions, amiSecret: "amiSecret1", carrierAddress: "198.18.0.250" });

/** The sections of an Asterisk configuration file: [name] → its key = value lines. */
function sections(text: string): Array<{ name: string; values: Record<string, string[]> }> {
  const out: Array<{ name: string; values: Record<string, string[]> }> = [];
  for (const line of text.split("\n")) {
    const head = /^\[([^\]]+)\]$/.exec(line);
    if (head) out.push({ name: head[1]!, values: {} });
    const kv = /^(\w+) = (.*)$/.exec(line);
    if (kv && out.length > 0) (out.at(-1)!.values[kv[1]!] ??= []).push(kv[2]!);
  }
  return out;
}

describe("renderNodeAsterisk", () => {
  const pjsip = sections(node["pjsip.conf"]!);
  const of = (name: string, type: string) => pjsip.find((s) => s.name === name && s.values.type?.[0] === type)?.values;

  it("listens for SIP on UDP and TCP 5060 on the node's address only", () => {
    expect(pjsip.filter((s) => s.values.type?.[0] === "transport").map((s) => [s.values.protocol?.[0], s.values.bind?.[0]])).toEqual([
      ["udp", "198.18.0.10:5060"],
      ["tcp", "198.18.0.10:5060"],
    ]);
  });

  it("gives every extension digest auth, its tenant's context and account code, media through Asterisk", () => {
    expect(of("2001", "endpoint")).toMatchObject({ context: ["tenant-globex"], accountcode: ["globex"], auth: ["2001-auth"], direct_media: ["no"] });
    expect(of("2001-auth", "auth")).toMatchObject({ auth_type: ["digest"], username: ["2001"], password: ["Secret2001x"] });
    // No anonymous endpoint: a request that matches no extension is challenged and refused.
    expect(node["modules.conf"]).not.toContain("res_pjsip_endpoint_identifier_anonymous");
    expect(pjsip.some((s) => s.name === "anonymous")).toBe(false);
  });

  it("routes internal calls within a tenant and 0-prefixed calls to the carrier trunk", () => {
    const dialplan = node["extensions.conf"]!;
    const acme = dialplan.slice(dialplan.indexOf("[tenant-acme]"), dialplan.indexOf("[tenant-globex]"));
    expect(acme).toContain("exten => 1002,1,Dial(PJSIP/1002,30)");
    expect(acme).not.toContain("2001");
    expect(acme).toContain("Dial(PJSIP/${EXTEN:1}@carrier,60)");
    expect(of("carrier", "aor")).toMatchObject({ contact: ["sip:198.18.0.250:5060"] });
    expect(of("carrier", "identify")).toMatchObject({ match: ["198.18.0.250"] });
  });

  it("binds AMI to loopback, logs security events and writes CSV CDRs in UTC", () => {
    expect(sections(node["manager.conf"]!)[0]!.values).toMatchObject({ enabled: ["yes"], bindaddr: ["127.0.0.1"] });
    expect(node["logger.conf"]).toMatch(/^security => security$/m);
    expect(node["logger.conf"]).toMatch(/^messages => notice,warning,error,verbose$/m);
    expect(sections(node["cdr.conf"]!).find((s) => s.name === "csv")?.values).toMatchObject({ usegmtime: ["yes"], loguniqueid: ["yes"] });
    expect(node["modules.conf"]).toMatch(/^load = cdr_csv\.so$/m);
  });

  it("refuses text that is not a lab word or address", () => {
    expect(() => renderNodeAsterisk({ name: "node1", address: "10.0.0.1", extensions, amiSecret: "a", carrierAddress: "198.18.0.250" })).toThrow(/lab address/);
    expect(() => renderNodeAsterisk({ name: "node1", address: "198.18.0.10", extensions: [{ tenant: "a]\n[x", extension: "1", password: "Secret123" }], amiSecret: "a", carrierAddress: "198.18.0.250" })).toThrow(/lab configuration word/);
    expect(() => renderNodeAsterisk({ name: "node1", address: "198.18.0.10", extensions: [{ tenant: "a", extension: "1", password: "x\npassword = y" }], amiSecret: "a", carrierAddress: "198.18.0.250" })).toThrow(/alphanumeric/);
  });
});

describe("the carrier and the phones", () => {
  it("answers any number from any node and keeps the call up", () => {
    const carrier = renderCarrierAsterisk(["198.18.0.10", "198.18.0.11"]);
    expect(sections(carrier["pjsip.conf"]!).find((s) => s.values.type?.[0] === "identify")?.values.match).toEqual(["198.18.0.10", "198.18.0.11"]);
    expect(carrier["extensions.conf"]).toContain("exten => _X.,1,Answer()\n same => n,Wait(7200)");
  });

  it("has one outbound-authenticated endpoint per node extension and registers only on demand", () => {
    const phones = renderPhoneAsterisk([{ name: "node1", address: "198.18.0.10", extensions }]);
    const pjsip = sections(phones["pjsip.conf"]!);
    expect(pjsip.find((s) => s.name === "node1-2001" && s.values.type?.[0] === "endpoint")?.values).toMatchObject({ outbound_auth: ["node1-2001-auth"], from_user: ["2001"] });
    expect(pjsip.some((s) => s.values.type?.[0] === "registration")).toBe(false);
    expect(sections(phoneRegistration({ name: "node1", address: "198.18.0.10" }, "2001"))[0]!.values).toMatchObject({
      type: ["registration"],
      server_uri: ["sip:198.18.0.10:5060"],
      client_uri: ["sip:2001@198.18.0.10:5060"],
    });
  });
});
