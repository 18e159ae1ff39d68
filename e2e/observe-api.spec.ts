import { randomBytes, randomInt } from "node:crypto";
import { createServer } from "node:net";

import { expect, test, type APIRequestContext } from "@playwright/test";

import { sealNodeKey } from "../lib/crypto/node-keys";
import { deriveKey } from "../lib/secret-key";
import type { UnbanResultRow } from "../lib/observe/unban";
import { generateClientKey } from "../lib/ssh/keys";
import { createNode, insertBanEvent, insertSnapshot, sql } from "./db";
import { E2E_SECRET_KEY } from "./env";
import { bearer, createApiToken, seedTenant } from "./tenant-helpers";

// The REST routes of bans, unban, cluster status and e-mail notifications: filters and cursor pages, the role and
// tenant rules (a viewer reads only, a tenant administrator sees and unbans only its own addresses), an unreachable
// node reported per node in the unban answer, the write-only SMTP password, and a 4xx with a message for every bad
// input. Notification settings are a singleton: what this file changes is restored afterwards.

type Json = Record<string, unknown>;

interface BanItem {
  address: string;
  country: string | null;
  jails: string[];
  nodes: { id: string; name: string }[];
}

interface BanPage {
  items: BanItem[];
  nextCursor: string | null;
  prevCursor: string | null;
}

async function call(request: APIRequestContext, token: string, method: string, path: string, data?: unknown) {
  const response = await request.fetch(`/api/v1/${path}`, {
    method,
    headers: { ...bearer(token), "Content-Type": "application/json" },
    // Strings are sent byte for byte (raw JSON text, or not JSON at all); anything else as JSON.
    data: typeof data === "string" ? Buffer.from(data) : data === undefined ? undefined : Buffer.from(JSON.stringify(data)),
  });
  const text = await response.text();
  return { status: response.status(), text, body: text ? (JSON.parse(text) as Json) : null };
}

/** A unique /24 in 100.64.0.0/10, where no tenant fixture lives. */
function uniqueNetwork(): string {
  return `100.${randomInt(64, 128)}.${randomInt(0, 256)}.0/24`;
}

const hostIn = (network: string, last: number) => network.replace(/\.0\/24$/, `.${last}`);

async function firstNetwork(entryId: string): Promise<string> {
  const [row] = await sql<{ network: string }>(`SELECT abbrev(network) AS network FROM address_entries WHERE id = $1`, [entryId]);
  return row!.network;
}

async function isStillBanned(address: string): Promise<boolean> {
  const rows = await sql<{ open: boolean }>(`SELECT bool_or(unbanned_at IS NULL) AS open FROM ban_events WHERE address = $1::inet`, [address]);
  return rows[0]?.open === true;
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * A node with a sealed key and a pinned host key on a closed port: an unban tries to connect and fails. Disabled,
 * so the e2e server's collector leaves it alone (unbans do not look at `enabled`).
 */
async function createUnreachableNode(): Promise<{ id: string; name: string; port: number }> {
  const port = await closedPort();
  const name = `unreachable-${randomBytes(4).toString("hex")}`;
  const sealed = sealNodeKey(generateClientKey().privateKey, deriveKey(E2E_SECRET_KEY, "node-keys"));
  const fingerprint = `SHA256:${randomBytes(32).toString("base64").replace(/=+$/, "")}`;
  const [row] = await sql<{ id: string }>(
    `INSERT INTO nodes (name, host, port, ssh_user, enabled, host_key_fingerprint, encrypted_private_key)
     VALUES ($1, '127.0.0.1', $2, 'rampart', false, $3, $4) RETURNING id`,
    [name, port, fingerprint, sealed],
  );
  return { id: row!.id, name, port };
}

test.describe("bans API", () => {
  test("lists current bans with filters and pages through them with cursors", async ({ request }) => {
    const token = await createApiToken("ADMIN");
    const network = uniqueNetwork();
    const node = await createNode("api-bans");
    const other = await createNode("api-bans");
    const start = Date.now() - 600_000;
    const addresses = [11, 12, 13, 14, 15].map((last) => hostIn(network, last));
    for (const [i, address] of addresses.entries()) {
      await insertBanEvent({
        nodeId: i === 4 ? other.id : node.id,
        address,
        country: i < 2 ? "DE" : "FR",
        jail: i === 3 ? "rampart-recidive" : "rampart-asterisk",
        bannedAt: new Date(start + i * 1_000),
      });
    }
    // An ended ban is not listed.
    await insertBanEvent({ nodeId: node.id, address: hostIn(network, 99), bannedAt: new Date(start), unbannedAt: new Date(start + 60_000) });

    const listed = async (query: string) => {
      const response = await call(request, token, "GET", `bans?q=${encodeURIComponent(network)}&${query}`);
      expect(response.status, query).toBe(200);
      return response.body as unknown as BanPage;
    };

    // Newest ban first, two per page, forward to the end and back again.
    const pages: BanPage[] = [await listed("limit=2")];
    while (pages.at(-1)!.nextCursor) pages.push(await listed(`limit=2&cursor=${pages.at(-1)!.nextCursor}`));
    expect(pages.map((p) => p.items.map((i) => i.address))).toEqual([
      [addresses[4], addresses[3]],
      [addresses[2], addresses[1]],
      [addresses[0]],
    ]);
    expect(pages[0]!.prevCursor).toBeNull();
    const back = await listed(`limit=2&cursor=${pages[2]!.prevCursor}`);
    expect(back.items.map((i) => i.address)).toEqual([addresses[2], addresses[1]]);
    expect(pages[0]!.items[0]).toMatchObject({ country: "FR", jails: ["rampart-asterisk"], nodes: [{ id: other.id, name: other.name }] });

    expect((await listed("country=de&sort=address")).items.map((i) => i.address)).toEqual([addresses[0], addresses[1]]);
    expect((await listed("jail=rampart-recidive")).items.map((i) => i.address)).toEqual([addresses[3]]);
    expect((await listed(`node=${other.id}`)).items.map((i) => i.address)).toEqual([addresses[4]]);
    expect((await listed("sort=address&limit=200")).items.map((i) => i.address)).toEqual(addresses);
    const one = await call(request, token, "GET", `bans?q=${addresses[2]}`);
    expect((one.body as unknown as BanPage).items.map((i) => i.address)).toEqual([addresses[2]]);
  });

  test("answers every bad query with a 422 and a message, never a 5xx", async ({ request }) => {
    const token = await createApiToken("OPERATOR");
    const page = (await call(request, token, "GET", "bans?limit=1")).body as unknown as BanPage;
    const forged = (key: string[]) => Buffer.from(JSON.stringify(key)).toString("base64url");
    const queries = [
      "q=10.1.2.300",
      "q=not-an-address",
      "country=DEU",
      "country=1",
      "jail=bad%3Bjail",
      "node=not-a-uuid",
      "sort=random",
      "contry=DE",
      "limit=0",
      "limit=abc",
      "limit=201",
      "limit=1.5",
      "cursor=garbage!",
      "cursor=AA",
      `cursor=${"A".repeat(513)}`,
      `cursor=${forged(["bannedAt", "after", "1 2", "10.0.0.1"])}`,
      `cursor=${forged(["bannedAt", "after", "-271821-04-20T00:00:00.000Z", "10.0.0.1"])}`,
      `cursor=${forged(["bannedAt", "after", "0000-01-01T00:00:00.000Z", "10.0.0.1"])}`,
      `cursor=${forged(["bannedAt", "after", new Date().toISOString(), "10.0.0.1' OR 1=1"])}`,
      `cursor=${forged(["lastSeen", "sideways", new Date().toISOString(), "10.0.0.1"])}`,
      ...(page.nextCursor ? [`sort=address&cursor=${page.nextCursor}`] : []),
    ];
    for (const query of queries) {
      const response = await call(request, token, "GET", `bans?${query}`);
      expect(response.status, query).toBe(422);
      expect(typeof response.body?.error, query).toBe("string");
    }
    expect((await call(request, "rmp_wrong", "GET", "bans")).status).toBe(401);
  });

  test("a viewer token reads bans and the cluster status but cannot unban or touch notifications", async ({ request }) => {
    const token = await createApiToken("VIEWER");
    const node = await createNode("api-viewer");
    const address = hostIn(uniqueNetwork(), 7);
    await insertBanEvent({ nodeId: node.id, address });
    await insertSnapshot({ nodeId: node.id, takenAt: new Date(), isReachable: false, error: "No TCP connection within 5 s." });

    const bans = await call(request, token, "GET", `bans?q=${address}`);
    expect(bans.status).toBe(200);
    expect((bans.body as unknown as BanPage).items.map((i) => i.address)).toEqual([address]);

    const status = await call(request, token, "GET", "status");
    expect(status.status).toBe(200);
    expect(status.body?.nextCursor).toBeNull();
    expect((status.body?.items as Json[]).find((n) => n.nodeId === node.id)).toMatchObject({
      name: node.name,
      isEnabled: true,
      isReachable: false,
      lastError: "No TCP connection within 5 s.",
      lastReachableAt: null,
      currentBans: null,
      hasHostKeyAlert: false,
    });

    const refused = await call(request, token, "POST", "bans/unban", { addresses: [address], nodeIds: "all" });
    expect(refused.status).toBe(403);
    expect(typeof refused.body?.error).toBe("string");
    expect(await isStillBanned(address)).toBe(true);
    expect((await call(request, token, "GET", "settings/notifications")).status).toBe(403);
    const put = await call(request, token, "PUT", "settings/notifications", { enabled: false });
    expect(put.status).toBe(403);
    expect(typeof put.body?.error).toBe("string");
  });

  test("a tenant administrator token sees only its tenant's bans and cannot unban another tenant's address", async ({ request }) => {
    const a = await seedTenant("api-bans-a");
    const b = await seedTenant("api-bans-b");
    const node = await createNode("api-tenant");
    const addressA = hostIn(await firstNetwork(a.entryId), 31);
    const addressB = hostIn(await firstNetwork(b.entryId), 32);
    const outside = hostIn(uniqueNetwork(), 33);
    for (const address of [addressA, addressB, outside]) await insertBanEvent({ nodeId: node.id, address });
    const token = await createApiToken("TENANT_ADMIN", a.id);

    const all = await call(request, token, "GET", "bans?limit=200");
    expect(all.status).toBe(200);
    const seen = (all.body as unknown as BanPage).items.map((i) => i.address);
    expect(seen).toContain(addressA);
    expect(seen).not.toContain(addressB);
    expect(seen).not.toContain(outside);
    for (const address of [addressB, outside]) {
      const searched = await call(request, token, "GET", `bans?q=${address}`);
      expect((searched.body as unknown as BanPage).items, address).toEqual([]);
    }

    for (const address of [addressB, outside]) {
      const refused = await call(request, token, "POST", "bans/unban", { addresses: [addressA, address], nodeIds: "all" });
      expect(refused.status, address).toBe(404);
      expect(refused.body?.error).toBe(`No current ban of ${address} within your tenant's networks: a tenant administrator can unban only addresses inside them.`);
      expect(await isStillBanned(address)).toBe(true);
    }
    expect(await isStillBanned(addressA)).toBe(true);
    // Whitelisting is policy:write, which a tenant administrator does not hold.
    expect((await call(request, token, "POST", "bans/unban", { addresses: [addressA], nodeIds: "all", then: "whitelist" })).status).toBe(403);
    expect((await call(request, token, "GET", "status")).status).toBe(403);
    const audit = await sql(`SELECT id FROM audit_log WHERE action = 'ban.unban' AND after::text LIKE $1`, [`%${addressB}%`]);
    expect(audit).toHaveLength(0);
  });

  test("unbanning on a node that cannot be reached reports the failure per node and keeps the ban", async ({ request }) => {
    const token = await createApiToken("OPERATOR");
    const node = await createUnreachableNode();
    try {
      const address = hostIn(uniqueNetwork(), 41);
      const notBanned = hostIn(uniqueNetwork(), 42);
      await insertBanEvent({ nodeId: node.id, address, jail: "rampart-asterisk" });
      await insertBanEvent({ nodeId: node.id, address, jail: "rampart-recidive" });

      const response = await call(request, token, "POST", "bans/unban", { addresses: [address, ` ${notBanned} `, address], nodeIds: [node.id] });
      expect(response.status).toBe(200);
      const result = response.body as { unbans: UnbanResultRow[]; lists: unknown[]; notBanned: string[] };
      expect(result.lists).toEqual([]);
      expect(result.notBanned).toEqual([notBanned]);
      expect(result.unbans.map((u) => u.jail).sort()).toEqual(["rampart-asterisk", "rampart-recidive"]);
      for (const row of result.unbans) {
        expect(row).toMatchObject({ address, nodeId: node.id, nodeName: node.name, isUnbanned: false });
        expect(row.message).toContain(`Cannot reach 127.0.0.1:${node.port}`);
      }
      expect(await isStillBanned(address)).toBe(true);
      const closed = await sql(`SELECT id FROM ban_events WHERE address = $1::inet AND unbanned_at IS NOT NULL`, [address]);
      expect(closed).toHaveLength(0);
    } finally {
      await sql(`DELETE FROM nodes WHERE id = $1`, [node.id]);
    }
  });

  test("answers every bad unban body with a 4xx and a message, never a 5xx", async ({ request }) => {
    const token = await createApiToken("ADMIN");
    const tooMany = Array.from({ length: 501 }, (_, i) => `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    const cases: [unknown, number][] = [
      ["{not json", 400],
      ["null", 422],
      ["[]", 422],
      ['"10.0.0.1"', 422],
      [{}, 422],
      [{ addresses: [], nodeIds: "all" }, 422],
      [{ addresses: "10.0.0.1", nodeIds: "all" }, 422],
      [{ addresses: [tooMany[0]], nodeIds: "some" }, 422],
      [{ addresses: [tooMany[0]], nodeIds: [] }, 422],
      [{ addresses: [tooMany[0]], nodeIds: ["not-a-uuid"] }, 422],
      [{ addresses: tooMany, nodeIds: "all" }, 422],
      [{ addresses: ["10.1.2.300"], nodeIds: "all" }, 422],
      [{ addresses: ["0.0.0.0/0"], nodeIds: "all" }, 422],
      [{ addresses: ["::/0"], nodeIds: "all" }, 422],
      [{ addresses: [7], nodeIds: "all" }, 422],
      [{ addresses: [tooMany[0]], nodeIds: "all", jail: "bad jail; rm -rf /" }, 422],
      [{ addresses: [tooMany[0]], nodeIds: "all", then: "delete" }, 422],
      [{ addresses: [tooMany[0]], nodeIds: "all", expiresAt: "2999-01-01T00:00:00Z" }, 422],
      [{ addresses: [tooMany[0]], nodeIds: "all", then: "whitelist", expiresAt: "yesterday" }, 422],
      [{ addresses: [tooMany[0]], nodeIds: "all", extra: true }, 422],
      ['{"addresses": ["198.18.0.1"], "nodeIds": "all", "__proto__": {"then": "block"}}', 422],
      [`{"addresses": ["${"1".repeat(300_000)}"], "nodeIds": "all"}`, 400],
    ];
    for (const [data, status] of cases) {
      const response = await call(request, token, "POST", "bans/unban", data);
      const label = (typeof data === "string" ? data : JSON.stringify(data)).slice(0, 120);
      expect(response.status, label).toBe(status);
      expect(typeof response.body?.error, label).toBe("string");
    }
    const tooManyAnswer = await call(request, token, "POST", "bans/unban", { addresses: tooMany, nodeIds: "all" });
    expect(tooManyAnswer.body?.error).toBe("addresses: At most 500 addresses at once.");
    expect((await call(request, token, "GET", "bans/unban")).status).toBe(405);
  });
});

test.describe("notification settings API", () => {
  let saved: unknown;
  test.beforeAll(async () => {
    const [row] = await sql<{ row: unknown }>(`SELECT row_to_json(t) AS row FROM notification_settings t WHERE id = 1`);
    saved = row?.row;
  });
  test.afterAll(async () => {
    const columns = ["enabled", "smtp_host", "smtp_port", "smtp_tls_mode", "smtp_user", "smtp_password", "from_address", "recipients", "digest_window_seconds"];
    await sql(
      `UPDATE notification_settings t SET ${columns.map((c) => `${c} = r.${c}`).join(", ")}
       FROM json_populate_record(NULL::notification_settings, $1::json) r WHERE t.id = 1`,
      [JSON.stringify(saved)],
    );
  });

  const settings = (password: Json) => ({
    enabled: false,
    smtpHost: "smtp.example.test",
    smtpPort: 587,
    smtpTlsMode: "STARTTLS",
    smtpUser: "rampart",
    smtpPassword: password,
    fromAddress: "rampart@example.test",
    recipients: ["noc@example.test"],
    digestWindowSeconds: 600,
  });

  test("the password is write-only; a bad port and other bad input answer 4xx with fieldErrors", async ({ request }) => {
    const token = await createApiToken("ADMIN");
    const secret = `api-secret-${randomBytes(6).toString("hex")}`;

    const { smtpPassword: _password, ...visible } = settings({ action: "set", value: secret });
    const stored = await call(request, token, "PUT", "settings/notifications", settings({ action: "set", value: secret }));
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ ...visible, hasPassword: true });
    expect(stored.body).not.toHaveProperty("smtpPassword");
    expect(stored.text).not.toContain(secret);

    const read = await call(request, token, "GET", "settings/notifications");
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ smtpHost: "smtp.example.test", smtpUser: "rampart", hasPassword: true });
    expect(read.body).not.toHaveProperty("smtpPassword");
    expect(read.text).not.toContain(secret);

    const kept = await call(request, token, "PUT", "settings/notifications", { ...settings({ action: "keep" }), digestWindowSeconds: 900 });
    expect(kept.body).toMatchObject({ hasPassword: true, digestWindowSeconds: 900 });
    const [row] = await sql<{ pw: Buffer }>(`SELECT smtp_password AS pw FROM notification_settings WHERE id = 1`);
    expect(row!.pw.toString("latin1")).not.toContain(secret);
    const audit = await sql<{ text: string }>(`SELECT after::text AS text FROM audit_log WHERE action = 'settings.notifications.update' ORDER BY id DESC LIMIT 2`);
    expect(audit).toHaveLength(2);
    for (const entry of audit) expect(entry.text).not.toContain(secret);

    const badPort = await call(request, token, "PUT", "settings/notifications", { ...settings({ action: "keep" }), smtpPort: 70_000 });
    expect(badPort.status).toBe(422);
    expect(badPort.body?.fieldErrors).toEqual({ smtpPort: ["The port must be between 1 and 65535."] });

    const { smtpPort: _port, ...missingPort } = settings({ action: "keep" });
    const cases: [unknown, number, string][] = [
      [{ ...settings({ action: "keep" }), smtpPort: "587" }, 422, "smtpPort"],
      [missingPort, 422, "smtpPort"],
      [{ ...settings({ action: "keep" }), extra: 1 }, 422, "_form"],
      [{ ...settings({ action: "keep" }), smtpTlsMode: "SSL" }, 422, "smtpTlsMode"],
      [{ ...settings({ action: "keep" }), smtpHost: "smtp.example.test:25" }, 422, "smtpHost"],
      [{ ...settings({ action: "keep" }), recipients: ["a@example.test\r\nBcc: x@example.test"] }, 422, "recipients.0"],
      [{ ...settings({ action: "keep" }), enabled: true, recipients: [] }, 422, "recipients"],
      [{ ...settings({ action: "keep" }), digestWindowSeconds: 30 }, 422, "digestWindowSeconds"],
      [settings({ action: "set", value: "" }), 422, "smtpPassword"],
      [settings({ action: "show" }), 422, "smtpPassword"],
      // A user name needs a password: refused by the data layer, with the field named.
      [settings({ action: "clear" }), 422, "smtpPassword"],
    ];
    for (const [data, status, field] of cases) {
      const response = await call(request, token, "PUT", "settings/notifications", data);
      expect(response.status, JSON.stringify(data)).toBe(status);
      expect(typeof response.body?.error, JSON.stringify(data)).toBe("string");
      const fields = Object.keys((response.body?.fieldErrors ?? {}) as Json);
      expect(fields.some((f) => f === field || f.startsWith(`${field}.`)), `${JSON.stringify(data)}: ${fields.join(", ")}`).toBe(true);
    }
    for (const raw of ["{not json", "[]", "null"]) {
      const response = await call(request, token, "PUT", "settings/notifications", raw);
      expect(response.status, raw).toBe(raw === "{not json" ? 400 : 422);
      expect(typeof response.body?.error, raw).toBe("string");
    }
    // Nothing of the refused requests was stored.
    expect((await call(request, token, "GET", "settings/notifications")).body).toMatchObject({ smtpPort: 587, digestWindowSeconds: 900, hasPassword: true });
    // Operators do not manage settings.
    expect((await call(request, await createApiToken("OPERATOR"), "GET", "settings/notifications")).status).toBe(403);
  });
});

test.describe("REST API documentation", () => {
  test("lists the bans, unban, status and notification routes", async ({ request }) => {
    const response = await request.get("/api/v1/openapi.json");
    expect(response.status()).toBe(200);
    const doc = (await response.json()) as { paths: Record<string, Json>; components: { schemas: Record<string, { properties: Json }> } };
    expect(Object.keys(doc.paths["/api/v1/bans"] ?? {})).toContain("get");
    expect(Object.keys(doc.paths["/api/v1/bans/unban"] ?? {})).toContain("post");
    expect(Object.keys(doc.paths["/api/v1/status"] ?? {})).toContain("get");
    expect(Object.keys(doc.paths["/api/v1/settings/notifications"] ?? {})).toEqual(expect.arrayContaining(["get", "put"]));
    const parameters = ((doc.paths["/api/v1/bans"]?.get as Json).parameters as { name: string }[]).map((p) => p.name);
    expect(parameters.sort()).toEqual(["country", "cursor", "jail", "limit", "node", "q", "sort"]);
    expect(doc.components.schemas.NotificationSettings?.properties).not.toHaveProperty("smtpPassword");
  });
});
