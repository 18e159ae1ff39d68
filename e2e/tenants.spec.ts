import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createTenant, createUser, sql } from "./db";
import { signInAndWait } from "./helpers";
import { bearer, createApiToken, seedTenant } from "./tenant-helpers";

const uniqueName = (label = "ACME") => `${label} ${randomUUID().slice(0, 8)}`;

async function signInAs(page: Page, role: "ADMIN" | "OPERATOR" | "VIEWER" | "TENANT_ADMIN", tenantId: string | null = null) {
  const user = await createUser(role, tenantId);
  await signInAndWait(page, user.email);
  return user;
}

/** A success message of the page (several forms may each show their own). */
async function expectStatus(page: Page, text: string) {
  await expect(page.getByRole("status").filter({ hasText: text })).toHaveText(text);
}

async function tenantRow(id: string) {
  const [row] = await sql<{ name: string; description: string; auto_whitelist_restrictions: boolean }>(
    `SELECT name, description, auto_whitelist_restrictions FROM tenants WHERE id = $1`,
    [id],
  );
  return row;
}

test.describe("tenants as an administrator", () => {
  test("creates a tenant from the list and lands on its page; the database and the audit log hold it", async ({ page }) => {
    const admin = await signInAs(page, "ADMIN");
    const name = uniqueName();
    await page.goto("/tenants");
    await expect(page.getByRole("heading", { level: 1, name: "Tenants" })).toBeVisible();
    await page.getByRole("button", { name: "New tenant" }).click();
    await expect(page.getByLabel("Name")).toBeFocused();
    await page.getByLabel("Name").fill(`  ${name}  `);
    await page.getByLabel("Description").fill("Hosted PBX, contract 42");
    await page.getByLabel("Auto-whitelist tenant IP restrictions").check();
    await page.getByRole("button", { name: "Create tenant" }).click();

    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Tenant created." })).toBeVisible();
    const [row] = await sql<{ id: string; description: string; auto_whitelist_restrictions: boolean }>(
      `SELECT id, description, auto_whitelist_restrictions FROM tenants WHERE name = $1`,
      [name],
    );
    expect(row).toMatchObject({ description: "Hosted PBX, contract 42", auto_whitelist_restrictions: true });
    await expect(page).toHaveURL(new RegExp(`/tenants/${row!.id}`));
    const audit = await sql<{ action: string; actor_id: string }>(`SELECT action, actor_id FROM audit_log WHERE object_id = $1`, [row!.id]);
    expect(audit).toEqual([{ action: "tenant.create", actor_id: admin.id }]);

    await page.goto("/tenants");
    const listRow = page.getByRole("row").filter({ hasText: name });
    await expect(listRow).toContainText("Hosted PBX, contract 42");
    await expect(listRow).toContainText("On");
    await listRow.getByRole("link", { name, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  });

  test("refuses an empty name and a taken name with messages under the field, keeping what was typed", async ({ page }) => {
    await signInAs(page, "ADMIN");
    const taken = await createTenant(uniqueName("Taken"));
    await page.goto("/tenants");
    await page.getByRole("button", { name: "New tenant" }).click();
    await page.getByLabel("Description").fill("kept");
    await page.getByRole("button", { name: "Create tenant" }).click();
    await expect(page.getByText("Tenant name is required.")).toBeVisible();
    await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");

    await page.getByLabel("Name").fill(taken.name);
    await page.getByRole("button", { name: "Create tenant" }).click();
    await expect(page.getByText(`A tenant named "${taken.name}" already exists. Choose another name.`)).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "Check the highlighted fields." })).toHaveText("Check the highlighted fields.");
    await expect(page.getByLabel("Description")).toHaveValue("kept");
    expect(await sql(`SELECT 1 FROM tenants WHERE name = $1`, [taken.name])).toHaveLength(1);
  });

  test("sets the account code on create and shows it in the list; a taken or invalid code is refused under the field; clearing works", async ({ page }) => {
    await signInAs(page, "ADMIN");
    const code = `acme-${randomUUID().slice(0, 8)}`;
    const holder = await createTenant(uniqueName("ACME-Holder"));
    await sql(`UPDATE tenants SET account_code = $1 WHERE id = $2`, [`${code}-x`, holder.id]);
    const name = uniqueName();
    await page.goto("/tenants");
    await page.getByRole("button", { name: "New tenant" }).click();
    await page.getByLabel("Name").fill(name);
    await expect(page.getByText(/1 to 40 letters, digits, - or _ \(the accountcode of the tenant's endpoints in pjsip.conf\)/)).toBeVisible();
    await page.getByLabel("Account code").fill("two words");
    await page.getByRole("button", { name: "Create tenant" }).click();
    await expect(page.getByText("Account code: 1 to 40 letters, digits, - or _ (the accountcode of the tenant's endpoints in pjsip.conf).")).toBeVisible();
    await expect(page.getByLabel("Account code")).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Account code").fill(`${code}-x`);
    await page.getByRole("button", { name: "Create tenant" }).click();
    await expect(page.getByText(`The account code "${code}-x" already belongs to the tenant "${holder.name}"`)).toBeVisible();
    expect(await sql(`SELECT 1 FROM tenants WHERE name = $1`, [name])).toHaveLength(0);

    await page.getByLabel("Account code").fill(code);
    await page.getByRole("button", { name: "Create tenant" }).click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    const [row] = await sql<{ id: string; account_code: string | null }>(`SELECT id, account_code FROM tenants WHERE name = $1`, [name]);
    expect(row?.account_code).toBe(code);
    await expect(page.getByLabel("Account code")).toHaveValue(code);

    await page.getByLabel("Account code").fill("");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expectStatus(page, "Tenant settings saved.");
    const [cleared] = await sql<{ account_code: string | null }>(`SELECT account_code FROM tenants WHERE id = $1`, [row!.id]);
    expect(cleared?.account_code).toBeNull();
    const [audit] = await sql<{ before: unknown; after: unknown }>(`SELECT before, after FROM audit_log WHERE object_id = $1 AND action = 'tenant.update' ORDER BY id DESC LIMIT 1`, [row!.id]);
    expect(audit).toMatchObject({ before: { accountCode: code }, after: { accountCode: null } });

    await page.goto("/tenants");
    await expect(page.getByRole("row").filter({ hasText: holder.name })).toContainText(`${code}-x`);
    await expect(page.getByRole("row").filter({ hasText: name })).toContainText("None");
  });

  test("edits the settings with the auto-whitelist explanation, and sets the tenant's call limits", async ({ page }) => {
    await signInAs(page, "ADMIN");
    const tenant = await createTenant(uniqueName());
    await page.goto(`/tenants/${tenant.id}`);
    await expect(page.getByText(/SIP-scoped trust: SIP and RTP only.*never join the cluster whitelist/).first()).toBeVisible();
    await page.getByLabel("Description").fill("Second floor\nReception");
    await page.getByLabel("Auto-whitelist tenant IP restrictions").check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await expectStatus(page, "Tenant settings saved.");
    expect(await tenantRow(tenant.id)).toMatchObject({ description: "Second floor\nReception", auto_whitelist_restrictions: true });

    await page.getByLabel("Daily limit").first().fill("12.50");
    await page.getByLabel("Monthly limit").fill("300");
    await page.getByRole("button", { name: "Save limits" }).click();
    await expectStatus(page, "Tenant call limits saved.");
    const [limit] = await sql<{ daily: string; monthly: string; currency: string }>(
      `SELECT daily_limit::text AS daily, monthly_limit::text AS monthly, currency FROM tenant_call_limits WHERE tenant_id = $1`,
      [tenant.id],
    );
    expect(limit).toEqual({ daily: "12.5000", monthly: "300.0000", currency: "EUR" });
    await page.reload();
    await expect(page.getByLabel("Daily limit").first()).toHaveValue("12.5");
  });

  test("refuses bad amounts with a message under the field and stores nothing", async ({ page }) => {
    await signInAs(page, "ADMIN");
    const tenant = await createTenant(uniqueName());
    await page.goto(`/tenants/${tenant.id}`);
    await page.getByLabel("Daily limit").first().fill("1,50");
    await page.getByRole("button", { name: "Save limits" }).click();
    await expect(page.getByText("Daily limit: use a point as the decimal separator, without thousands separators.")).toBeVisible();
    await page.getByLabel("Daily limit").first().fill("20");
    await page.getByLabel("Monthly limit").fill("10");
    await page.getByRole("button", { name: "Save limits" }).click();
    await expect(page.getByText("The monthly limit cannot be lower than the daily limit.")).toBeVisible();
    await page.getByLabel("Monthly limit").fill("-5");
    await page.getByRole("button", { name: "Save limits" }).click();
    await expect(page.getByText("Monthly limit cannot be negative.")).toBeVisible();
    expect(await sql(`SELECT 1 FROM tenant_call_limits WHERE tenant_id = $1`, [tenant.id])).toHaveLength(0);
  });

  test("adds, edits and deletes extension limits; a duplicate extension is refused", async ({ page }) => {
    await signInAs(page, "ADMIN");
    const tenant = await createTenant(uniqueName());
    await page.goto(`/tenants/${tenant.id}`);
    await expect(page.getByRole("heading", { name: "No extension limits" })).toBeVisible();

    await page.getByRole("button", { name: "Add extension limit" }).click();
    const form = page.getByRole("form", { name: "New extension limit" });
    await form.getByLabel("Extension").fill("101");
    await form.getByLabel("Daily limit").fill("25");
    await form.getByLabel("Currency").selectOption("USD");
    await form.getByRole("button", { name: "Add limit" }).click();
    await expectStatus(page, "Limit for extension 101 added.");
    const table = page.getByRole("table", { name: "Extension limits" });
    await expect(table.getByRole("row").filter({ hasText: "101" })).toContainText("$25.00");

    await page.getByRole("button", { name: "Add extension limit" }).click();
    await form.getByLabel("Extension").fill("101");
    await form.getByLabel("Daily limit").fill("3");
    await form.getByRole("button", { name: "Add limit" }).click();
    await expect(form.getByText("Extension 101 already has a daily limit in this tenant; edit that one instead.")).toBeVisible();
    await form.getByLabel("Extension").fill("_X.");
    await form.getByRole("button", { name: "Add limit" }).click();
    await expect(form.getByText(/Asterisk dial pattern/)).toBeVisible();
    await form.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: "Edit limit of extension 101" }).click();
    const editForm = page.getByRole("form", { name: "Edit limit of extension 101" });
    await editForm.getByLabel("Daily limit").fill("30.1234");
    await editForm.getByRole("button", { name: "Save limit" }).click();
    await expectStatus(page, "Limit of extension 101 saved.");
    const [stored] = await sql<{ daily: string; currency: string }>(
      `SELECT daily_limit::text AS daily, currency FROM extension_call_limits WHERE tenant_id = $1 AND extension = '101'`,
      [tenant.id],
    );
    expect(stored).toEqual({ daily: "30.1234", currency: "USD" });
    await expect(table).toContainText("$30.1234");

    await page.getByRole("button", { name: "Delete limit of extension 101" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Delete the limit of extension 101?" });
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await dialog.getByRole("button", { name: "Delete limit" }).click();
    await expectStatus(page, "Limit of extension 101 deleted.");
    expect(await sql(`SELECT 1 FROM extension_call_limits WHERE tenant_id = $1`, [tenant.id])).toHaveLength(0);
    const actions = await sql<{ action: string }>(`SELECT action FROM audit_log WHERE object_type = 'extension-call-limit' AND (after->>'tenantId' = $1 OR before->>'tenantId' = $1) ORDER BY id`, [tenant.id]);
    expect(actions.map((a) => a.action)).toEqual(["extension-call-limit.create", "extension-call-limit.update", "extension-call-limit.delete"]);
  });

  test("deletes a tenant after a confirmation that counts what goes with it", async ({ page }) => {
    await signInAs(page, "ADMIN");
    const tenant = await seedTenant("Doomed");
    await page.goto(`/tenants/${tenant.id}`);
    await expect(page.getByRole("link", { name: "IP restrictions (2)" })).toHaveAttribute("href", `/tenants/${tenant.id}/restrictions`);
    await page.getByRole("button", { name: "Delete tenant" }).click();
    const dialog = page.getByRole("alertdialog", { name: `Delete the tenant “${tenant.name}”?` });
    await expect(dialog.getByRole("listitem")).toHaveText(["2 IP restrictions", "1 extension limit", "the daily and monthly call limits"]);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await tenantRow(tenant.id)).toBeDefined();

    await page.getByRole("button", { name: "Delete tenant" }).click();
    await dialog.getByRole("button", { name: "Delete tenant" }).click();
    await expect(page).toHaveURL(/\/tenants\?deleted=/);
    await expectStatus(page, `Tenant “${tenant.name}” deleted.`);
    expect(await tenantRow(tenant.id)).toBeUndefined();
    expect(await sql(`SELECT 1 FROM address_entries WHERE tenant_id = $1`, [tenant.id])).toHaveLength(0);
    expect(await sql(`SELECT 1 FROM extension_call_limits WHERE tenant_id = $1`, [tenant.id])).toHaveLength(0);
    expect(await sql(`SELECT 1 FROM tenant_call_limits WHERE tenant_id = $1`, [tenant.id])).toHaveLength(0);
    const [audit] = await sql<{ before: { restrictionCount: number } }>(`SELECT before FROM audit_log WHERE object_id = $1 AND action = 'tenant.delete'`, [tenant.id]);
    expect(audit?.before.restrictionCount).toBe(2);
  });

  test("refuses to delete a tenant that has users, saying how many", async ({ page }) => {
    await signInAs(page, "ADMIN");
    const crowded = await createTenant(uniqueName("Crowded"));
    await createUser("TENANT_ADMIN", crowded.id);
    await createUser("TENANT_ADMIN", crowded.id);
    await page.goto(`/tenants/${crowded.id}`);
    await expect(page.getByText("This tenant cannot be deleted while 2 users belong to it.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Delete tenant" })).toBeDisabled();

    // A user added after the page was loaded: the server still refuses, with the count.
    const tenant = await createTenant(uniqueName("Racing"));
    await page.goto(`/tenants/${tenant.id}`);
    await createUser("TENANT_ADMIN", tenant.id);
    await page.getByRole("button", { name: "Delete tenant" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete tenant" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "still has" })).toContainText(`The tenant "${tenant.name}" still has 1 user.`);
    expect(await tenantRow(tenant.id)).toBeDefined();
  });
});

test.describe("tenants as a tenant administrator", () => {
  test("sees only their own tenant, read-only, and other tenants' pages are not found", async ({ page }) => {
    const own = await seedTenant("Own");
    const other = await seedTenant("Other");
    await signInAs(page, "TENANT_ADMIN", own.id);
    await page.goto("/tenants");
    await expect(page.getByRole("button", { name: "New tenant" })).toHaveCount(0);
    const rows = page.getByRole("table", { name: "Tenants" }).getByRole("row");
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText(own.name);
    await expect(page.getByText(other.name)).toHaveCount(0);

    await page.goto(`/tenants/${own.id}`);
    await expect(page.getByRole("heading", { level: 1, name: own.name })).toBeVisible();
    await expect(page.getByRole("link", { name: "IP restrictions (2)" })).toBeVisible();
    await expect(page.getByText("€10.00")).toBeVisible();
    await expect(page.getByRole("cell", { name: "€5.00" })).toBeVisible();
    for (const button of ["Save settings", "Save limits", "Add extension limit", "Delete tenant"]) {
      await expect(page.getByRole("button", { name: button })).toHaveCount(0);
    }
    await expect(page.getByLabel("Name")).toHaveCount(0);

    for (const path of [`/tenants/${other.id}`, `/tenants/${randomUUID()}`, "/tenants/not-a-uuid"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { name: "Page not found" }), path).toBeVisible();
      await expect(page.getByText(other.name)).toHaveCount(0);
    }
    await page.goto("/call-limits");
    await expect(page.getByText("You don't have access to this page")).toBeVisible();
  });

  test("an operator may set limits but not change the tenant itself", async ({ page }) => {
    const tenant = await seedTenant("Operated");
    await signInAs(page, "OPERATOR");
    await page.goto(`/tenants/${tenant.id}`);
    await expect(page.getByRole("button", { name: "Save settings" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Delete tenant" })).toHaveCount(0);
    await page.getByLabel("Monthly limit").fill("250");
    await page.getByRole("button", { name: "Save limits" }).click();
    await expectStatus(page, "Tenant call limits saved.");
    const [limit] = await sql<{ monthly: string }>(`SELECT monthly_limit::text AS monthly FROM tenant_call_limits WHERE tenant_id = $1`, [tenant.id]);
    expect(limit?.monthly).toBe("250.0000");
  });
});

test.describe("tenants API", () => {
  test("creates, reads, changes and deletes a tenant with the documented statuses", async ({ request }) => {
    const token = await createApiToken("ADMIN");
    const name = uniqueName("API");
    const created = await request.post("/api/v1/tenants", { headers: bearer(token), data: { name, description: "via API" } });
    expect(created.status()).toBe(201);
    const body = (await created.json()) as { id: string; autoWhitelistRestrictions: boolean };
    expect(body).toMatchObject({ name, description: "via API", autoWhitelistRestrictions: false, restrictionCount: 0, userCount: 0 });
    expect(created.headers().location).toBe(`/api/v1/tenants/${body.id}`);

    expect((await request.post("/api/v1/tenants", { headers: bearer(token), data: { name } })).status()).toBe(409);
    const patched = await request.patch(`/api/v1/tenants/${body.id}`, { headers: bearer(token), data: { autoWhitelistRestrictions: true } });
    expect(patched.status()).toBe(200);
    expect(await patched.json()).toMatchObject({ autoWhitelistRestrictions: true, extensionLimitCount: 0 });
    expect((await tenantRow(body.id))?.auto_whitelist_restrictions).toBe(true);

    await createUser("TENANT_ADMIN", body.id);
    const refused = await request.delete(`/api/v1/tenants/${body.id}`, { headers: bearer(token) });
    expect(refused.status()).toBe(409);
    expect((await refused.json()) as { error: string }).toEqual({ error: expect.stringContaining("still has 1 user") });

    const other = await createTenant(uniqueName("API delete"));
    expect((await request.delete(`/api/v1/tenants/${other.id}`, { headers: bearer(token) })).status()).toBe(204);
    expect(await tenantRow(other.id)).toBeUndefined();
    expect((await request.get(`/api/v1/tenants/${other.id}`, { headers: bearer(token) })).status()).toBe(404);
  });

  test("no input produces a 5xx: bad ids, bodies and query parameters answer 4xx with a message", async ({ request }) => {
    const token = await createApiToken("ADMIN");
    const tenant = await createTenant(uniqueName("Fuzz"));
    const bodies: unknown[] = [
      null,
      [],
      "text",
      42,
      {},
      { name: "" },
      { name: 7 },
      { name: "x".repeat(201) },
      { name: "ok", extra: true },
      { name: "ok", autoWhitelistRestrictions: "yes" },
      { name: "ok", description: "\u0000" },
      { name: "a\u202eb" },
    ];
    for (const data of bodies) {
      // A Buffer goes out byte for byte (a string would be JSON-encoded once more).
      const response = await request.post("/api/v1/tenants", { headers: { ...bearer(token), "content-type": "application/json" }, data: Buffer.from(JSON.stringify(data)) });
      expect(response.status(), JSON.stringify(data)).toBe(422);
      expect(((await response.json()) as { error: string }).error.length).toBeGreaterThan(0);
    }
    const malformed = await request.post("/api/v1/tenants", { headers: { ...bearer(token), "content-type": "application/json" }, data: Buffer.from("{nope") });
    expect(malformed.status()).toBe(400);
    for (const patch of [{}, { name: null }, { unknown: 1 }]) {
      expect((await request.patch(`/api/v1/tenants/${tenant.id}`, { headers: bearer(token), data: patch })).status(), JSON.stringify(patch)).toBe(422);
    }
    for (const id of ["x", "1", "../users", "00000000-0000-0000-0000-00000000000g", "%00", "a".repeat(500)]) {
      const response = await request.get(`/api/v1/tenants/${encodeURIComponent(id)}`, { headers: bearer(token) });
      expect(response.status(), id).toBe(404);
    }
    for (const query of ["limit=0", "limit=abc", "limit=201", "cursor=garbage!", "cursor=AA", "cursor=" + "A".repeat(3000), "unknown=1"]) {
      const response = await request.get(`/api/v1/tenants?${query}`, { headers: bearer(token) });
      expect(response.status(), query).toBe(422);
    }
    expect((await request.get("/api/v1/tenants", { headers: { Authorization: "Bearer rmp_wrong" } })).status()).toBe(401);
  });

  test("pages through tenants with limit and cursor", async ({ request }) => {
    const token = await createApiToken("ADMIN");
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await request.get(`/api/v1/tenants?limit=3${cursor ? `&cursor=${cursor}` : ""}`, { headers: bearer(token) });
      expect(response.status()).toBe(200);
      const page = (await response.json()) as { items: { id: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(3);
      for (const item of page.items) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 1_000);
    const [{ count }] = (await sql<{ count: string }>(`SELECT count(*)::text AS count FROM tenants`)) as [{ count: string }];
    expect(seen.size).toBe(Number(count));
  });
});
