import { createHash, randomBytes, randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createTenant, createUser, sql, type Role } from "./db";
import { signInAndWait } from "./helpers";

// The address lists: whitelist, blocklist, management access and tenant IP restrictions share one engine and
// one UI. Global lists are shared by every spec, so each test works on its own random 10.x.y.0/24 or IPv6 /64.

function uniqueV4(): { prefix: string; network: string } {
  const prefix = `10.${randomInt(0, 256)}.${randomInt(0, 256)}`;
  return { prefix, network: `${prefix}.0/24` };
}

async function rowsOf(list: string, pattern: string): Promise<{ network: string; comment: string; source: string; tenant_id: string | null }[]> {
  return sql(
    `SELECT abbrev(network) AS network, comment, source::text AS source, tenant_id::text AS tenant_id FROM address_entries
     WHERE list = $1 AND abbrev(network) LIKE $2 ORDER BY network`,
    [list, pattern],
  );
}

/** An API token of the role, inserted directly (only its SHA-256 is stored). */
async function createToken(role: Role, tenantId: string | null = null): Promise<string> {
  const token = `rmp_${randomBytes(32).toString("base64url")}`;
  await sql(`INSERT INTO api_tokens (name, prefix, token_hash, role, tenant_id) VALUES ($1, $2, $3, $4, $5)`, [
    `lists-e2e-${randomInt(1e9)}`,
    token.slice(0, 12),
    createHash("sha256").update(token).digest("hex"),
    role,
    tenantId,
  ]);
  return token;
}

test.describe("blocklist in the browser", () => {
  test("adds with canonical form, reports bad input and covered entries, finds by covering address, deletes", async ({ page }) => {
    const admin = await createUser("ADMIN");
    const { prefix, network } = uniqueV4();
    await signInAndWait(page, admin.email);
    await page.goto("/firewall/blocklist");
    await expect(page.getByRole("heading", { level: 1, name: "Blocklist" })).toBeVisible();

    // Host bits set: the parser's message, nothing stored.
    await page.getByLabel("Address or network").fill(`${prefix}.7/24`);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByText(`did you mean ${network}?`)).toBeVisible();
    expect(await rowsOf("BLOCKLIST", `${prefix}.%`)).toEqual([]);

    await page.getByLabel("Address or network").fill(network);
    await page.getByLabel("Comment", { exact: true }).fill("scanner network");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: `Added ${network} to the blocklist.` })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: network })).toBeVisible();
    expect(await rowsOf("BLOCKLIST", `${prefix}.%`)).toEqual([{ network, comment: "scanner network", source: "MANUAL", tenant_id: null }]);

    // Covered by the /24: reported, stored only with "Add anyway".
    await page.getByLabel("Address or network").fill(`${prefix}.9`);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByText(`${prefix}.9 is already covered by ${network} on the blocklist`)).toBeVisible();
    expect(await rowsOf("BLOCKLIST", `${prefix}.%`)).toHaveLength(1);
    await page.getByLabel("Add anyway").check();
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: `Added ${prefix}.9 to the blocklist.` })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: `${prefix}.9` }).getByText(`Covered by ${network}`)).toBeVisible();

    // Exact duplicate: refused with the date it was added.
    await page.getByLabel("Address or network").fill(network);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByText(new RegExp(`${network.replace(/\./g, "\\.")} is already on the blocklist \\(since \\d{4}-\\d{2}-\\d{2} by ${admin.email}`))).toBeVisible();

    // "Covers address" lists the covering entries, most specific first.
    await page.getByLabel("Covers address").fill(`${prefix}.9`);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page).toHaveURL(/covers=/);
    const rows = page.getByRole("region", { name: "Entries of the blocklist" }).getByRole("row");
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(1)).toContainText(`${prefix}.9`);
    await expect(rows.nth(2)).toContainText(network);

    // A bad covers address: the parser's message under the field.
    await page.getByLabel("Covers address").fill("10.1");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page.getByText('Shorthand "10.1" is not accepted')).toBeVisible();

    await page.goto(`/firewall/blocklist?covers=${prefix}.9`);
    await page.getByRole("button", { name: `Delete ${prefix}.9` }).click();
    const dialog = page.getByRole("alertdialog", { name: `Delete ${prefix}.9?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Delete" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Deleted ${prefix}.9.` })).toBeVisible();
    expect(await rowsOf("BLOCKLIST", `${prefix}.%`)).toEqual([expect.objectContaining({ network })]);
    const audit = await sql<{ action: string }>(`SELECT action FROM audit_log WHERE actor_label = $1 ORDER BY id`, [admin.email]);
    expect(audit.map((a) => a.action)).toEqual(["blocklist.create", "blocklist.create", "blocklist.delete"]);
  });

  test("imports pasted lines, keeps the good ones and lists every rejected line with its reason", async ({ page }) => {
    const admin = await createUser("ADMIN");
    const { prefix } = uniqueV4();
    await sql(`INSERT INTO address_entries (list, network, family) VALUES ('BLOCKLIST', $1, 4)`, [`${prefix}.1`]);
    await signInAndWait(page, admin.email);
    await page.goto("/firewall/blocklist");
    await page.getByRole("button", { name: "Import…" }).click();
    const dialog = page.getByRole("dialog", { name: "Import into the blocklist" });
    await dialog.getByLabel("Addresses").fill([`${prefix}.1`, `${prefix}.2 # bot`, `0${prefix}.3`, `${prefix}.4`, `${prefix}.4`, "example.com"].join("\n"));
    await dialog.getByRole("button", { name: "Import", exact: true }).click();
    await expect(dialog.getByRole("status")).toContainText("Stored 2 of 6 lines (plain text). 4 lines were rejected");
    const rejected = dialog.getByRole("region", { name: "Rejected lines" }).getByRole("row");
    await expect(rejected).toHaveCount(5);
    await expect(rejected.nth(1)).toContainText(/1.*Already on the blocklist/);
    await expect(rejected.nth(2)).toContainText(/3.*leading zero/);
    await expect(rejected.nth(3)).toContainText(/5.*Duplicate of line 4/);
    await expect(rejected.nth(4)).toContainText(/6.*host name/);
    expect(await rowsOf("BLOCKLIST", `${prefix}.%`)).toEqual([
      expect.objectContaining({ network: `${prefix}.1`, source: "MANUAL" }),
      { network: `${prefix}.2`, comment: "bot", source: "IMPORT", tenant_id: null },
      expect.objectContaining({ network: `${prefix}.4`, source: "IMPORT" }),
    ]);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("row").filter({ hasText: `${prefix}.2` })).toBeVisible();
  });

  test("flags a network on both lists as a conflict, and deletes everything matching a filter after showing the count", async ({ page }) => {
    const admin = await createUser("ADMIN");
    const { prefix, network } = uniqueV4();
    const tag = `e2e-bulk-${randomInt(1e9)}`;
    await sql(`INSERT INTO address_entries (list, network, family, comment) VALUES ('WHITELIST', $1, 4, 'office')`, [network]);
    for (const host of [1, 2, 3]) {
      await sql(`INSERT INTO address_entries (list, network, family, comment) VALUES ('BLOCKLIST', $1, 4, $2)`, [`${prefix}.${host}`, tag]);
    }
    await signInAndWait(page, admin.email);
    await page.goto(`/firewall/blocklist?q=${tag}`);
    await expect(page.getByRole("row").filter({ hasText: `${prefix}.1` }).getByText(`Conflict: ${network} on the whitelist`)).toBeVisible();
    await page.goto(`/firewall/whitelist?q=${network}`);
    await expect(page.getByRole("row").filter({ hasText: network }).getByText(`Conflict: ${prefix}.1 on the blocklist`)).toBeVisible();

    await page.goto(`/firewall/blocklist?q=${tag}`);
    await page.getByRole("button", { name: "Delete all matching…" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Delete all 3 matching entries?" });
    await expect(dialog).toContainText(`search “${tag}”`);
    await dialog.getByRole("button", { name: "Delete 3" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Deleted 3 matching entries." })).toBeVisible();
    expect(await rowsOf("BLOCKLIST", `${prefix}.%`)).toEqual([]);
    expect(await rowsOf("WHITELIST", `${prefix}.%`)).toHaveLength(1);
    const [audit] = await sql<{ after: { deleted: number; filter: { q: string } } }>(
      `SELECT after FROM audit_log WHERE actor_label = $1 AND action = 'blocklist.bulk-delete'`,
      [admin.email],
    );
    expect(audit?.after).toMatchObject({ deleted: 3, filter: { q: tag } });
  });

  test("a viewer reads and exports but has no way to change the list", async ({ page }) => {
    const viewer = await createUser("VIEWER");
    const { network } = uniqueV4();
    await sql(`INSERT INTO address_entries (list, network, family, comment) VALUES ('WHITELIST', $1, 4, '=HYPERLINK(1)')`, [network]);
    await signInAndWait(page, viewer.email);
    await page.goto(`/firewall/whitelist?q=${network}`);
    await expect(page.getByRole("row").filter({ hasText: network })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Add to the whitelist" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Import…" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: `Delete ${network}` })).toHaveCount(0);
    const csv = await (await page.request.get("/api/v1/whitelist/export")).text();
    expect(csv.startsWith("network,comment,expires_at,status,created_at,author,scope\r\n")).toBe(true);
    expect(csv).toContain(`${network},'=HYPERLINK(1),,active,`);
    expect(csv).toMatch(new RegExp(`${network.replace(/\./g, "\\.")},'=HYPERLINK\\(1\\),,active,[^\r\n]*,ALL\r\n`));
  });
});

test.describe("tenant IP restrictions and broad networks", () => {
  test("a tenant administrator edits only their own tenant's restrictions", async ({ page }) => {
    const mine = await createTenant();
    const theirs = await createTenant();
    const tenantAdmin = await createUser("TENANT_ADMIN", mine.id);
    await sql(`INSERT INTO address_entries (list, network, family, tenant_id) VALUES ('TENANT_RESTRICTION', '192.0.2.99', 4, $1)`, [theirs.id]);
    await signInAndWait(page, tenantAdmin.email);

    await page.goto(`/tenants/${mine.id}/restrictions`);
    await expect(page.getByRole("heading", { level: 1, name: `IP restrictions of ${mine.name}` })).toBeVisible();
    // Never claimed and not done: the page says what the networks do not do yet.
    await expect(page.getByText(/Not enforced yet: refusing registrations of the tenant's extensions from anywhere else/)).toBeVisible();
    await expect(page.getByText(/registrations from anywhere else are refused/)).toHaveCount(0);
    await page.getByLabel("Address or network").fill("198.51.100.0/24");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByRole("row").filter({ hasText: "198.51.100.0/24" })).toBeVisible();
    expect(await sql(`SELECT abbrev(network) AS network, source::text AS source FROM address_entries WHERE tenant_id = $1`, [mine.id])).toEqual([
      { network: "198.51.100.0/24", source: "TENANT" },
    ]);

    await page.goto(`/tenants/${theirs.id}/restrictions`);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText("192.0.2.99")).toHaveCount(0);
    const api = await page.request.get(`/api/v1/tenants/${theirs.id}/restrictions`);
    expect(api.status()).toBe(404);
    await page.goto("/firewall/blocklist");
    await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  });

  test("pages with Next and Previous and edits an entry in a dialog", async ({ page }) => {
    const admin = await createUser("ADMIN");
    const tenant = await createTenant();
    await sql(
      `INSERT INTO address_entries (list, network, family, tenant_id, created_at)
       SELECT 'TENANT_RESTRICTION', ('198.18.0.' || i)::inet, 4, $1, now() - i * interval '1 second' FROM generate_series(1, 55) AS i`,
      [tenant.id],
    );
    await signInAndWait(page, admin.email);
    await page.goto(`/tenants/${tenant.id}/restrictions`);
    const rows = page.getByRole("region", { name: "Entries of the tenant's IP restrictions" }).getByRole("row");
    await expect(rows).toHaveCount(51);
    await expect(rows.nth(1)).toContainText("198.18.0.1");
    await expect(page.getByTestId("list-summary")).toContainText("55 entries");
    await page.getByRole("link", { name: "Next →" }).click();
    await expect(rows).toHaveCount(6);
    await expect(rows.nth(5)).toContainText("198.18.0.55");
    await page.getByRole("link", { name: "← Previous" }).click();
    await expect(rows).toHaveCount(51);
    await expect(page.getByRole("link", { name: "← Previous" })).toHaveCount(0);

    await page.getByRole("button", { name: "Edit 198.18.0.1", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Edit 198.18.0.1" });
    await dialog.getByLabel("Address or network").fill("198.18.0.1/33");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog.getByText("The prefix length /33 is out of range")).toBeVisible();
    await dialog.getByLabel("Address or network").fill("198.18.1.1");
    await dialog.getByLabel("Comment", { exact: true }).fill("front desk phone");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved 198.18.1.1." })).toBeVisible();
    expect(await sql(`SELECT comment FROM address_entries WHERE tenant_id = $1 AND network = '198.18.1.1'`, [tenant.id])).toEqual([{ comment: "front desk phone" }]);
    expect(await sql(`SELECT 1 FROM address_entries WHERE tenant_id = $1 AND network = '198.18.0.1'`, [tenant.id])).toEqual([]);
  });

  test("an over-broad network needs the explicit confirmation; /0 is refused", async ({ page }) => {
    const admin = await createUser("ADMIN");
    const tenant = await createTenant();
    await signInAndWait(page, admin.email);
    await page.goto(`/tenants/${tenant.id}/restrictions`);
    await page.getByLabel("Address or network").fill("0.0.0.0/0");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByText("A /0 network matches every address")).toBeVisible();

    await page.getByLabel("Address or network").fill("12.0.0.0/7");
    const confirm = page.getByLabel("Yes, I mean this broad network (12.0.0.0/7)");
    await expect(confirm).toBeVisible();
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByText("12.0.0.0/7 covers 1/128 of all IPv4 addresses: confirm that you mean a network this broad.")).toBeVisible();
    expect(await sql(`SELECT 1 FROM address_entries WHERE tenant_id = $1`, [tenant.id])).toEqual([]);
    await confirm.check();
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByRole("row").filter({ hasText: "12.0.0.0/7" }).getByText("Broad network")).toBeVisible();
    expect(await sql(`SELECT abbrev(network) AS network FROM address_entries WHERE tenant_id = $1`, [tenant.id])).toEqual([{ network: "12.0.0.0/7" }]);
  });
});

test.describe("REST API", () => {
  const fixtures = join(process.cwd(), "lib", "net", "fixtures");

  async function post(request: APIRequestContext, token: string, path: string, data: unknown) {
    return request.post(path, { headers: { authorization: `Bearer ${token}` }, data });
  }

  test("answers 4xx for every bad address, never 2xx or 5xx, and stores none of them", async ({ request }) => {
    const token = await createToken("OPERATOR");
    const corpus = JSON.parse(readFileSync(join(fixtures, "bad-addresses.json"), "utf8")) as { groups: { rule: string; inputs: string[] }[] };
    const [before] = await sql<{ count: number }>(`SELECT count(*)::int AS count FROM address_entries WHERE list = 'BLOCKLIST'`);
    const unexpected: string[] = [];
    for (const group of corpus.groups) {
      for (const input of group.inputs) {
        const response = await post(request, token, "/api/v1/blocklist", { network: input, comment: "corpus" });
        const body = (await response.json()) as { error?: unknown };
        if (response.status() < 400 || response.status() >= 500 || typeof body.error !== "string") {
          unexpected.push(`${group.rule}: ${JSON.stringify(input)} → ${response.status()}`);
        }
      }
    }
    // Hostile shapes of the body itself.
    for (const data of [{ network: 167772161 }, { network: ["10.0.0.1"] }, { network: null }, {}, { network: "10.0.0.1", extra: 1 }, "10.0.0.1"]) {
      const response = await post(request, token, "/api/v1/blocklist", data);
      if (response.status() < 400 || response.status() >= 500) unexpected.push(`${JSON.stringify(data)} → ${response.status()}`);
    }
    expect(unexpected).toEqual([]);
    const [after] = await sql<{ count: number }>(`SELECT count(*)::int AS count FROM address_entries WHERE list = 'BLOCKLIST'`);
    expect(after!.count).toBe(before!.count);
  });

  test("stores good addresses in canonical form, finds covering entries, pages, imports and deletes", async ({ request }) => {
    const token = await createToken("OPERATOR");
    const good = JSON.parse(readFileSync(join(fixtures, "good-addresses.json"), "utf8")) as [string, string][];
    // Broad networks go to a fresh tenant's list, so that no other test's blocklist entry is ever covered by them.
    const tenant = await createTenant();
    const isBroad = (canonical: string) => {
      const prefix = Number(canonical.split("/")[1] ?? "128");
      return canonical.includes(":") ? prefix < 32 : prefix < 8;
    };
    const created: string[] = [];
    const seen = new Set<string>();
    const existing = new Set((await sql<{ network: string }>(`SELECT abbrev(network) AS network FROM address_entries WHERE list = 'BLOCKLIST'`)).map((r) => r.network));
    try {
      for (const [input, canonical] of good) {
        const path = isBroad(canonical) ? `/api/v1/tenants/${tenant.id}/restrictions` : "/api/v1/blocklist";
        const response = await post(request, token, path, { network: input, confirmBroad: true, allowCovered: true });
        if (canonical.endsWith("/0")) {
          expect(response.status(), input).toBe(422);
          continue;
        }
        if (seen.has(canonical) || existing.has(canonical)) {
          expect(response.status(), input).toBe(409);
          continue;
        }
        expect(response.status(), `${input}: ${await response.text()}`).toBe(201);
        const body = (await response.json()) as { id: string; network: string };
        expect(body.network, input).toBe(canonical);
        seen.add(canonical);
        if (!isBroad(canonical)) created.push(body.id);
      }
      expect(seen.size).toBeGreaterThan(100);

      const covers = await request.get("/api/v1/blocklist?covers=192.168.1.1", { headers: { authorization: `Bearer ${token}` } });
      expect(covers.status()).toBe(200);
      const coversBody = (await covers.json()) as { items: { network: string }[]; nextCursor: null };
      expect(coversBody.items.map((e) => e.network)).toEqual(expect.arrayContaining(["192.168.1.1", "192.168.1.0/24", "192.168.0.0/16"]));
      expect(coversBody.items[0]!.network).toBe("192.168.1.1");

      const firstPage = await request.get("/api/v1/blocklist?limit=5&sort=network", { headers: { authorization: `Bearer ${token}` } });
      const pageBody = (await firstPage.json()) as { items: unknown[]; nextCursor: string };
      expect(pageBody.items).toHaveLength(5);
      const second = await request.get(`/api/v1/blocklist?limit=5&sort=network&cursor=${pageBody.nextCursor}`, { headers: { authorization: `Bearer ${token}` } });
      expect(second.status()).toBe(200);
      for (const bad of ["cursor=xyz", "limit=0", "limit=abc", "covers=10.1", "status=maybe", `sort=newest&cursor=${pageBody.nextCursor}`]) {
        const response = await request.get(`/api/v1/blocklist?${bad}`, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status(), bad).toBe(422);
      }

      const { prefix } = uniqueV4();
      const imported = await request.post("/api/v1/blocklist/import?comment=feed&allowCovered=true", {
        headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" },
        data: `${prefix}.1\n${prefix}.1\nnot-an-ip\n`,
      });
      expect(imported.status()).toBe(200);
      expect(await imported.json()).toMatchObject({
        accepted: 1,
        rejectedCount: 2,
        rejected: [{ line: 2, reason: "Duplicate of line 1." }, { line: 3, text: "not-an-ip" }],
      });
      expect(await rowsOf("BLOCKLIST", `${prefix}.%`)).toEqual([{ network: `${prefix}.1`, comment: "feed", source: "IMPORT", tenant_id: null }]);

      const deleted = await request.delete(`/api/v1/blocklist/${created[0]}`, { headers: { authorization: `Bearer ${token}` } });
      expect(deleted.status()).toBe(204);
      expect((await request.delete(`/api/v1/blocklist/${created[0]}`, { headers: { authorization: `Bearer ${token}` } })).status()).toBe(404);
      expect((await request.delete("/api/v1/blocklist/not-a-uuid", { headers: { authorization: `Bearer ${token}` } })).status()).toBe(404);
    } finally {
      // The corpus holds wide networks (10.0.0.0/8, …): never leave them to cover other tests' entries.
      await sql(`DELETE FROM address_entries WHERE id = ANY($1::uuid[])`, [created]);
    }
  });

  test("management access is read and replaced whole; viewers may read only", async ({ request }) => {
    const admin = await createToken("ADMIN");
    const viewer = await createToken("VIEWER");
    const put = await request.put("/api/v1/settings/management-access", {
      headers: { authorization: `Bearer ${admin}` },
      data: { entries: [{ network: "192.0.2.0/24", comment: "office" }, { network: "2001:DB8::/48" }] },
    });
    expect(put.status()).toBe(200);
    const got = await request.get("/api/v1/settings/management-access", { headers: { authorization: `Bearer ${viewer}` } });
    expect(((await got.json()) as { items: { network: string }[] }).items.map((e) => e.network)).toEqual(["192.0.2.0/24", "2001:db8::/48"]);
    const refused = await request.put("/api/v1/settings/management-access", { headers: { authorization: `Bearer ${viewer}` }, data: { entries: [] } });
    expect(refused.status()).toBe(403);
    const invalid = await request.put("/api/v1/settings/management-access", { headers: { authorization: `Bearer ${admin}` }, data: { entries: [{ network: "192.0.2.1/24" }] } });
    expect(invalid.status()).toBe(422);
    expect(((await invalid.json()) as { error: string }).error).toContain("did you mean 192.0.2.0/24");
    expect(await sql(`SELECT abbrev(network) AS network FROM address_entries WHERE list = 'MANAGEMENT' ORDER BY network`)).toEqual([
      { network: "192.0.2.0/24" },
      { network: "2001:db8::/48" },
    ]);
  });
});
