import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createUser, sql } from "./db";
import { signInAndWait } from "./helpers";
import { bearer, createApiToken, seedTenant } from "./tenant-helpers";

async function signInAs(page: Page, role: "ADMIN" | "OPERATOR" | "VIEWER" | "TENANT_ADMIN") {
  const user = await createUser(role);
  await signInAndWait(page, user.email);
  return user;
}

async function expectStatus(page: Page, text: string) {
  await expect(page.getByRole("status").filter({ hasText: text })).toHaveText(text);
}

let prefixCounter = Math.floor(Math.random() * 1_000_000);
const uniquePrefix = () => `00${String(prefixCounter++).padStart(7, "0")}`;

async function abuseRow() {
  const [row] = await sql<{ enabled: boolean; max_calls_same_number: number; window_seconds: number }>(
    `SELECT enabled, max_calls_same_number, window_seconds FROM abuse_detection_settings WHERE id = 1`,
  );
  return row;
}

test.describe("call limits page", () => {
  test("shows the empty route list, then adds, edits and deletes a route limit", async ({ page }) => {
    // Route limits are written by this spec only: start from none to see the empty state.
    await sql(`DELETE FROM route_cost_limits`);
    await signInAs(page, "OPERATOR");
    await page.goto("/call-limits");
    await expect(page.getByRole("heading", { level: 1, name: "Call limits" })).toBeVisible();
    // Whether the nodes enforce these limits is the first thing the page says.
    await expect(page.getByTestId("call-guard-status")).toContainText(/The call guard is off|Enforced:/);
    await expect(page.getByRole("heading", { name: "No route cost limits" })).toBeVisible();

    const name = `Satellite ${randomUUID().slice(0, 6)}`;
    const prefix = uniquePrefix();
    await page.getByRole("button", { name: "Add route limit" }).click();
    const form = page.getByRole("form", { name: "New route limit" });
    await expect(form.getByLabel("Name")).toBeFocused();
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Dialled prefix").fill(prefix);
    await form.getByLabel("Maximum cost").fill("0.75");
    await form.getByRole("button", { name: "Add route" }).click();
    await expectStatus(page, `Route “${name}” added.`);
    const row = page.getByRole("table", { name: "Route cost limits" }).getByRole("row").filter({ hasText: name });
    await expect(row).toContainText(prefix);
    await expect(row).toContainText("€0.75 per minute");
    const [stored] = await sql<{ id: string; cost: string; currency: string }>(
      `SELECT id, max_cost_per_minute::text AS cost, currency FROM route_cost_limits WHERE name = $1`,
      [name],
    );
    expect(stored).toMatchObject({ cost: "0.7500", currency: "EUR" });

    await page.getByRole("button", { name: `Edit route ${name}` }).click();
    const editForm = page.getByRole("form", { name: `Edit route ${name}` });
    await editForm.getByLabel("Maximum cost").fill("1.2");
    await editForm.getByLabel("Currency").selectOption("GBP");
    await editForm.getByRole("button", { name: "Save route" }).click();
    await expectStatus(page, `Route “${name}” saved.`);
    await expect(row).toContainText("£1.20 per minute");

    await page.getByRole("button", { name: `Delete route ${name}` }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete route" }).click();
    await expectStatus(page, `Route “${name}” deleted.`);
    expect(await sql(`SELECT 1 FROM route_cost_limits WHERE id = $1`, [stored!.id])).toHaveLength(0);
    const audit = await sql<{ action: string }>(`SELECT action FROM audit_log WHERE object_id = $1 ORDER BY id`, [stored!.id]);
    expect(audit.map((a) => a.action)).toEqual(["route-cost-limit.create", "route-cost-limit.update", "route-cost-limit.delete"]);
  });

  test("refuses bad prefixes, amounts and duplicates with messages under the fields", async ({ page }) => {
    await signInAs(page, "ADMIN");
    const existing = { name: `Premium ${randomUUID().slice(0, 6)}`, prefix: uniquePrefix() };
    await sql(`INSERT INTO route_cost_limits (name, prefix, max_cost_per_minute, currency) VALUES ($1, $2, 2, 'EUR')`, [existing.name, existing.prefix]);
    await page.goto("/call-limits");
    await page.getByRole("button", { name: "Add route limit" }).click();
    const form = page.getByRole("form", { name: "New route limit" });
    await form.getByLabel("Name").fill("Bad one");
    await form.getByLabel("Dialled prefix").fill("0044 20");
    await form.getByLabel("Maximum cost").fill("0.12345");
    await form.getByRole("button", { name: "Add route" }).click();
    await expect(form.getByText(/Prefix must be 1 to 15 digits/)).toBeVisible();
    await expect(form.getByText("Maximum cost per minute has too many decimal places: at most 4.")).toBeVisible();
    await expect(form.getByLabel("Name")).toHaveValue("Bad one");

    await form.getByLabel("Dialled prefix").fill(existing.prefix);
    await form.getByLabel("Maximum cost").fill("1");
    await form.getByRole("button", { name: "Add route" }).click();
    await expect(form.getByText(`The route "${existing.name}" already has the prefix ${existing.prefix}; edit that route instead.`)).toBeVisible();
    await form.getByLabel("Name").fill(existing.name);
    await form.getByLabel("Dialled prefix").fill(uniquePrefix());
    await form.getByRole("button", { name: "Add route" }).click();
    await expect(form.getByText(`A route named "${existing.name}" already exists. Choose another name.`)).toBeVisible();
    expect(await sql(`SELECT 1 FROM route_cost_limits WHERE name = 'Bad one'`)).toHaveLength(0);
  });

  test("saves abuse detection with units, refusing a window out of range", async ({ page }) => {
    await signInAs(page, "ADMIN");
    await page.goto("/call-limits");
    const form = page.getByRole("form", { name: "Abuse detection" });
    await expect(form.getByText("calls", { exact: true })).toBeVisible();
    await expect(form.getByText("seconds", { exact: true })).toBeVisible();
    await form.getByLabel("More than").fill("8");
    await form.getByLabel("Within").fill("5");
    await form.getByRole("button", { name: "Save abuse detection" }).click();
    await expect(form.getByText("Window must be 10 to 86400 seconds.")).toBeVisible();
    const before = await abuseRow();
    expect(before?.max_calls_same_number).not.toBe(8);

    await form.getByLabel("Within").fill("");
    await form.getByRole("button", { name: "Save abuse detection" }).click();
    await expect(form.getByText("Window must be a whole number.")).toBeVisible();

    await form.getByLabel("Within").fill("600");
    await form.getByRole("button", { name: "Save abuse detection" }).click();
    await expectStatus(page, "Abuse detection saved.");
    expect(await abuseRow()).toEqual({ enabled: true, max_calls_same_number: 8, window_seconds: 600 });
    await page.reload();
    await expect(page.getByText("More than 8 calls to the same international number within 600 seconds blocks the calling extension.")).toBeVisible();

    await form.getByLabel(/Block extensions/).uncheck();
    await form.getByLabel("More than").fill("5");
    await form.getByLabel("Within").fill("300");
    await form.getByRole("button", { name: "Save abuse detection" }).click();
    await expectStatus(page, "Abuse detection saved.");
    expect(await abuseRow()).toEqual({ enabled: false, max_calls_same_number: 5, window_seconds: 300 });
    await sql(`UPDATE abuse_detection_settings SET enabled = true WHERE id = 1`);
  });

  test("the call guard: off says it enforces nothing, an administrator turns it on past field errors, and limits of a tenant without an account code are listed as not enforced", async ({ page }) => {
    await sql(`UPDATE call_guard_settings SET enabled = false, offline_mode = 'REFUSE_INTERNATIONAL', max_call_seconds = 14400, stale_after_seconds = 300 WHERE id = 1`);
    const tenant = await seedTenant("NoCode");
    try {
      await signInAs(page, "ADMIN");
      await page.goto("/call-limits");
      await expect(page.getByTestId("call-guard-status")).toContainText("The call guard is off: it records calls but enforces nothing.");
      await expect(page.getByTestId("call-guard-unenforced")).toContainText(`Tenant ${tenant.name}: its limits are not enforced, it has no account code.`);

      const form = page.getByRole("form", { name: "Call guard" });
      const enforce = form.getByRole("switch", { name: "Enforce the call limits on the nodes" });
      await expect(enforce).not.toBeChecked();
      await expect(form.getByRole("radio", { name: /^Refuse international calls/ })).toBeChecked();
      await enforce.check();
      await form.getByRole("radio", { name: /^Decide every call from the last pushed limits/ }).check();
      await form.getByLabel("Longest call").fill("59");
      await form.getByLabel("Panel unreachable after").fill("abc");
      await form.getByRole("button", { name: "Save call guard" }).click();
      await expect(form.getByText("Longest call: at least 60 s.")).toBeVisible();
      await expect(form.getByText("Panel unreachable after must be a whole number of seconds.")).toBeVisible();
      const [unchanged] = await sql<{ enabled: boolean }>(`SELECT enabled FROM call_guard_settings WHERE id = 1`);
      expect(unchanged?.enabled).toBe(false);

      await form.getByLabel("Longest call").fill("3600");
      await form.getByLabel("Panel unreachable after").fill("120");
      await form.getByRole("button", { name: "Save call guard" }).click();
      await expectStatus(page, "Call guard settings saved. They reach the nodes with the next push.");
      const [row] = await sql(`SELECT enabled, offline_mode, max_call_seconds, stale_after_seconds FROM call_guard_settings WHERE id = 1`);
      expect(row).toEqual({ enabled: true, offline_mode: "ALLOW_CAPPED", max_call_seconds: 3600, stale_after_seconds: 120 });
      const [audit] = await sql<{ after: unknown }>(`SELECT after FROM audit_log WHERE action = 'call-guard.update' ORDER BY id DESC LIMIT 1`);
      expect(audit?.after).toEqual({ enabled: true, offlineMode: "ALLOW_CAPPED", maxCallSeconds: 3600, staleAfterSeconds: 120 });
      await page.reload();
      await expect(page.getByTestId("call-guard-status")).toContainText("Enforced: The call guard on each node checks every outbound call");

      // With an account code, the tenant's limits are enforced and no longer listed.
      await sql(`UPDATE tenants SET account_code = $1 WHERE id = $2`, [`e2e-${randomUUID().slice(0, 8)}`, tenant.id]);
      await page.reload();
      await expect(page.getByText(`Tenant ${tenant.name}: its limits are not enforced`)).toHaveCount(0);
    } finally {
      await sql(`UPDATE call_guard_settings SET enabled = false, offline_mode = 'REFUSE_INTERNATIONAL', max_call_seconds = 14400, stale_after_seconds = 300 WHERE id = 1`);
    }
  });

  test("shows the call guard read-only to operators", async ({ page }) => {
    await signInAs(page, "OPERATOR");
    await page.goto("/call-limits");
    await expect(page.getByRole("form", { name: "Call guard" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Save call guard" })).toHaveCount(0);
    await expect(page.getByText("When the panel is unreachable", { exact: true })).toBeVisible();
  });

  test("lists every tenant's limits with a link to the tenant", async ({ page }) => {
    const tenant = await seedTenant("Overview");
    await signInAs(page, "VIEWER");
    await page.goto("/call-limits");
    // Tenants are listed in name order, 50 a page: follow the pages until this one shows.
    let row = page.getByRole("table", { name: "Tenant limits" }).getByRole("row").filter({ hasText: tenant.name });
    for (let i = 0; i < 50 && (await row.count()) === 0; i++) {
      await page.getByRole("navigation", { name: "Tenant pages" }).getByRole("link", { name: "Next page" }).click();
      row = page.getByRole("table", { name: "Tenant limits" }).getByRole("row").filter({ hasText: tenant.name });
    }
    await expect(row).toContainText("€10.00");
    await expect(row).toContainText("€100.00");
    // A viewer reads but does not edit.
    await expect(page.getByRole("button", { name: "Add route limit" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Save abuse detection" })).toHaveCount(0);
    await row.getByRole("link", { name: tenant.name }).click();
    await expect(page.getByRole("heading", { level: 1, name: tenant.name })).toBeVisible();
  });
});

test.describe("call limits API", () => {
  test("stores amounts exactly and refuses JSON numbers, bad currencies and bad prefixes with 422", async ({ request }) => {
    const token = await createApiToken("OPERATOR");
    const tenant = await seedTenant("Api limits");
    const put = await request.put(`/api/v1/call-limits/tenants/${tenant.id}`, {
      headers: bearer(token),
      data: { dailyLimit: "0.1", monthlyLimit: "0.3", currency: "usd" },
    });
    expect(put.status()).toBe(200);
    expect(await put.json()).toMatchObject({ dailyLimit: "0.1", monthlyLimit: "0.3", currency: "USD" });
    const [stored] = await sql<{ daily: string }>(`SELECT daily_limit::text AS daily FROM tenant_call_limits WHERE tenant_id = $1`, [tenant.id]);
    expect(stored?.daily).toBe("0.1000");

    const refusals: Array<[unknown, RegExp]> = [
      [{ dailyLimit: 0.1, currency: "EUR" }, /decimal string/],
      [{ dailyLimit: "1e3", currency: "EUR" }, /decimal amount/],
      [{ dailyLimit: "5", currency: "EURO" }, /three-letter/],
      [{ dailyLimit: "5", currency: "XYZ" }, /Unknown currency/],
      [{ dailyLimit: "5", monthlyLimit: "4", currency: "EUR" }, /monthly limit cannot be lower/],
      [{ dailyLimit: "5" }, /currency/i],
    ];
    for (const [data, message] of refusals) {
      const response = await request.put(`/api/v1/call-limits/tenants/${tenant.id}`, { headers: bearer(token), data });
      expect(response.status(), JSON.stringify(data)).toBe(422);
      expect(((await response.json()) as { error: string }).error, JSON.stringify(data)).toMatch(message);
    }

    const extension = await request.post(`/api/v1/call-limits/tenants/${tenant.id}/extensions`, {
      headers: bearer(token),
      data: { extension: "201", dailyLimit: "7.25", currency: "EUR" },
    });
    expect(extension.status()).toBe(201);
    const created = (await extension.json()) as { id: string };
    expect((await request.post(`/api/v1/call-limits/tenants/${tenant.id}/extensions`, { headers: bearer(token), data: { extension: "201", dailyLimit: "1", currency: "EUR" } })).status()).toBe(409);
    const listed = await request.get(`/api/v1/call-limits/tenants/${tenant.id}/extensions`, { headers: bearer(token) });
    expect(((await listed.json()) as { items: { extension: string }[] }).items.map((i) => i.extension)).toEqual(["100", "201"]);
    expect((await request.patch(`/api/v1/call-limits/extensions/${created.id}`, { headers: bearer(token), data: { dailyLimit: "8" } })).status()).toBe(200);
    expect((await request.delete(`/api/v1/call-limits/extensions/${created.id}`, { headers: bearer(token) })).status()).toBe(204);
    expect((await request.get(`/api/v1/call-limits/extensions/${created.id}`, { headers: bearer(token) })).status()).toBe(404);

    const route = await request.post("/api/v1/call-limits/routes", {
      headers: bearer(token),
      data: { name: `API route ${randomUUID().slice(0, 6)}`, prefix: "+8816", maxCostPerMinute: "3", currency: "EUR" },
    });
    expect([201, 409]).toContain(route.status());
    for (const data of [
      { name: "x", prefix: "88-16", maxCostPerMinute: "1", currency: "EUR" },
      { name: "x", prefix: "1234567890123456", maxCostPerMinute: "1", currency: "EUR" },
      { name: "x", prefix: "0088", maxCostPerMinute: 1, currency: "EUR" },
      { name: "", prefix: "0088", maxCostPerMinute: "1", currency: "EUR" },
    ]) {
      expect((await request.post("/api/v1/call-limits/routes", { headers: bearer(token), data })).status(), JSON.stringify(data)).toBe(422);
    }
    for (const data of [{ enabled: true, maxCallsSameNumber: 0 }, { enabled: true, maxCallsSameNumber: 5, windowSeconds: 86_401 }, { enabled: "yes", maxCallsSameNumber: 5 }]) {
      expect((await request.put("/api/v1/call-limits/abuse-detection", { headers: bearer(token), data })).status(), JSON.stringify(data)).toBe(422);
    }
    const abuse = await request.get("/api/v1/call-limits/abuse-detection", { headers: bearer(token) });
    expect(abuse.status()).toBe(200);
  });

  test("a viewer reads but cannot write; junk paths and bodies never produce a 5xx", async ({ request }) => {
    const viewer = await createApiToken("VIEWER");
    const admin = await createApiToken("ADMIN");
    const tenant = await seedTenant("Viewer");
    expect((await request.get("/api/v1/call-limits/routes", { headers: bearer(viewer) })).status()).toBe(200);
    expect((await request.get(`/api/v1/call-limits/tenants/${tenant.id}`, { headers: bearer(viewer) })).status()).toBe(200);
    expect((await request.put(`/api/v1/call-limits/tenants/${tenant.id}`, { headers: bearer(viewer), data: { currency: "EUR" } })).status()).toBe(403);
    expect((await request.put("/api/v1/call-limits/abuse-detection", { headers: bearer(viewer), data: { enabled: true, maxCallsSameNumber: 5 } })).status()).toBe(403);

    const paths = [
      "/api/v1/call-limits/tenants/not-a-uuid",
      `/api/v1/call-limits/tenants/${randomUUID()}`,
      `/api/v1/call-limits/tenants/${randomUUID()}/extensions`,
      "/api/v1/call-limits/extensions/zzz",
      "/api/v1/call-limits/routes/1",
    ];
    for (const path of paths) {
      for (const method of ["GET", "PUT", "POST", "PATCH", "DELETE"] as const) {
        const response = await request.fetch(path, { method, headers: { ...bearer(admin), "content-type": "application/json" }, data: Buffer.from("{\"x\":") });
        expect(response.status(), `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(response.status(), `${method} ${path}`).toBeLessThan(500);
      }
    }
    for (const body of ["null", "[]", "\"\"", "{}", "{\"dailyLimit\":{}}", "{\"currency\":\"EUR\",\"dailyLimit\":\"1\",\"x\":1}"]) {
      const response = await request.put(`/api/v1/call-limits/tenants/${tenant.id}`, { headers: { ...bearer(admin), "content-type": "application/json" }, data: Buffer.from(body) });
      expect(response.status(), body).toBe(422);
    }
    const [limit] = await sql<{ daily: string }>(`SELECT daily_limit::text AS daily FROM tenant_call_limits WHERE tenant_id = $1`, [tenant.id]);
    expect(limit?.daily).toBe("10.0000");
  });
});
