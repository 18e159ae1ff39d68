import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { POST as importBlocklist } from "@/app/api/v1/blocklist/import/route";
import { GET as exportWhitelist } from "@/app/api/v1/whitelist/export/route";
import { POST as importWhitelist } from "@/app/api/v1/whitelist/import/route";
import { POST as createWhitelistEntry } from "@/app/api/v1/whitelist/route";
import { getDb } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/db/queries/audit";
import { createApiToken } from "@/lib/db/queries/tokens";
import { MAX_IMPORT_BYTES } from "@/lib/lists/import-limit.mjs";

// The import route at the edges of the one import limit (lib/lists/import-limit.mjs) and with hostile text.

async function adminToken(): Promise<string> {
  return (await createApiToken(SYSTEM_ACTOR, { name: `import-${randomUUID().slice(0, 8)}`, role: "ADMIN" })).token;
}

function importRequest(token: string, type: string, body: BodyInit): NextRequest {
  return new NextRequest("http://rampart.test/api/v1/blocklist/import", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": type, "x-rampart-client-ip": "203.0.113.9" },
    body,
  });
}

const noParams = { params: Promise.resolve({}) };

describe("POST …/import limits", () => {
  it("refuses a text/plain body past the limit with a 400 naming the limit, while reading it", async () => {
    const token = await adminToken();
    // A stream that would go on far past the limit: the route must stop reading, not buffer it all.
    let sent = 0;
    const chunk = new TextEncoder().encode("192.0.2.1\n".repeat(100_000));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_IMPORT_BYTES * 4) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await importBlocklist(new NextRequest("http://rampart.test/api/v1/blocklist/import", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/plain", "x-rampart-client-ip": "203.0.113.9" },
      body: stream,
      duplex: "half",
    } as ConstructorParameters<typeof NextRequest>[1]), noParams);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/at most 40 MB/);
    expect(sent).toBeLessThan(MAX_IMPORT_BYTES * 2);
  });

  it("refuses a NUL or an unpaired surrogate in the text with a 422, as text/plain and as JSON", async () => {
    const token = await adminToken();
    const plain = await importBlocklist(importRequest(token, "text/plain", "192.0.2.1\n192.0.2.2\u0000\n"), noParams);
    expect(plain.status).toBe(422);
    expect((await plain.json()).error).toMatch(/U\+0000/);
    const json = await importBlocklist(importRequest(token, "application/json", JSON.stringify({ text: "192.0.2.1 # x\ud800\n" })), noParams);
    expect(json.status).toBe(422);
    expect((await json.json()).error).toMatch(/unpaired surrogate/);
  });

  it("takes a plain-text file of many lines in one request", async () => {
    const token = await adminToken();
    const lines = Array.from({ length: 50_000 }, (_, i) => `10.77.${i >> 8}.${i & 255}`).join("\n");
    const response = await importBlocklist(importRequest(token, "text/plain", lines), noParams);
    expect(response.status).toBe(200);
    expect((await response.json()).accepted).toBe(50_000);
  });

  it("stores a one-line import without comment or expiry (an insert chunk of one empty value)", async () => {
    const token = await adminToken();
    const response = await importBlocklist(importRequest(token, "text/plain", "198.51.100.201\n"), noParams);
    expect(response.status).toBe(200);
    expect((await response.json()).accepted).toBe(1);
    const row = await getDb().addressEntry.findFirstOrThrow({ where: { list: "BLOCKLIST", tenantId: null, comment: "", source: "IMPORT" }, orderBy: { createdAt: "desc" } });
    expect(row.expiresAt).toBeNull();
  });
});

describe("whitelist trust scope over the API", () => {
  const operatorToken = async () => (await createApiToken(SYSTEM_ACTOR, { name: `scope-${randomUUID().slice(0, 8)}`, role: "OPERATOR" })).token;
  const request = (token: string, url: string, type: string, body?: BodyInit) =>
    new NextRequest(url, { method: body === undefined ? "GET" : "POST", headers: { authorization: `Bearer ${token}`, "content-type": type, "x-rampart-client-ip": "203.0.113.9" }, body });
  const prefix = () => `2001:db8:5c${Math.floor(Math.random() * 0xff).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;

  it("answers 403 to an OPERATOR's ALL entry, 201 with the scope for SIP, and 422 for an unknown scope", async () => {
    const token = await operatorToken();
    const p = prefix();
    const url = "http://rampart.test/api/v1/whitelist";
    const all = await createWhitelistEntry(request(token, url, "application/json", JSON.stringify({ network: `${p}::1` })), noParams);
    expect(all.status).toBe(403);
    expect((await all.json()).error).toMatch(/Only an administrator can trust an address on every port/);
    const sip = await createWhitelistEntry(request(token, url, "application/json", JSON.stringify({ network: `${p}::1`, scope: "SIP" })), noParams);
    expect(sip.status).toBe(201);
    expect(await sip.json()).toMatchObject({ network: `${p}::1`, scope: "SIP" });
    const bad = await createWhitelistEntry(request(token, url, "application/json", JSON.stringify({ network: `${p}::2`, scope: "ROOT" })), noParams);
    expect(bad.status).toBe(422);
    expect((await bad.json()).fieldErrors).toHaveProperty("scope");
  });

  it("imports with ?scope=SIP and exports the scope column", async () => {
    const token = await operatorToken();
    const p = prefix();
    const refused = await importWhitelist(request(token, "http://rampart.test/api/v1/whitelist/import", "text/plain", `${p}::1\n`), noParams);
    expect(refused.status).toBe(403);
    const done = await importWhitelist(request(token, "http://rampart.test/api/v1/whitelist/import?scope=SIP", "text/plain", `${p}::1\n${p}::2\n`), noParams);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ accepted: 2, rejectedCount: 0 });
    const csv = await (await exportWhitelist(request(token, "http://rampart.test/api/v1/whitelist/export", "text/plain"), noParams)).text();
    expect(csv.split("\r\n")[0]).toBe("network,comment,expires_at,status,created_at,author,scope");
    expect(csv.split("\r\n").filter((line) => line.startsWith(`${p}::`)).map((line) => line.split(",").at(-1))).toEqual(["SIP", "SIP"]);
  });
});
