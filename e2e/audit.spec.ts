import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createUser, sql } from "./db";
import { signInAndWait } from "./helpers";

// The Audit page: the filters find the entries real actions wrote, the before/after view shows what
// changed, paging walks the log both ways, and bad filters get a message instead of a wrong answer.

function filterForm(page: Page) {
  return page.getByRole("search", { name: "Filter the audit log" });
}

function auditTable(page: Page) {
  return page.getByRole("table", { name: "Audit entries, newest first" });
}

/** Entries at chosen times (the writer stamps now(); seeding lets the test control order and ranges). */
async function seedEntries(count: number, fields: { objectType: string; objectId?: string; actorLabel?: string; action?: string }, start = Date.UTC(2030, 0, 1)) {
  for (let i = 0; i < count; i++) {
    await sql(
      `INSERT INTO audit_log (at, actor_type, actor_label, action, object_type, object_id, before, after)
       VALUES ($1, 'USER', $2, $3, $4, $5, $6, $7)`,
      [
        new Date(start + i * 1000),
        fields.actorLabel ?? "seed@rampart.test",
        fields.action ?? "thing.update",
        fields.objectType,
        fields.objectId ?? `obj-${i}`,
        JSON.stringify({ index: i - 1, label: "same" }),
        JSON.stringify({ index: i, label: "same" }),
      ],
    );
  }
}

test.describe("audit log", () => {
  test("filters find the entries written by a user's and a token's changes, with the before/after view", async ({ page }) => {
    const admin = await createUser("ADMIN");
    await signInAndWait(page, admin.email);

    // An administrator creates a token in the UI...
    await page.goto("/users");
    const tokenName = `audit-${randomUUID().slice(0, 8)}`;
    const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Create token" }) });
    await form.getByLabel("Name").fill(tokenName);
    await form.getByLabel("Role").selectOption({ label: "Administrator" });
    await form.getByRole("button", { name: "Create token" }).click();
    const token = await page.getByLabel("API token", { exact: true }).inputValue();

    // ...and a script uses it to create a user and then change its role.
    const email = `scripted-${randomUUID().slice(0, 8)}@rampart.test`;
    const created = await page.request.post("/api/v1/users", { headers: { Authorization: `Bearer ${token}` }, data: { email, role: "VIEWER" } });
    expect(created.status()).toBe(201);
    const { id: userId } = (await created.json()) as { id: string };
    const patched = await page.request.patch(`/api/v1/users/${userId}`, { headers: { Authorization: `Bearer ${token}` }, data: { role: "OPERATOR" } });
    expect(patched.status()).toBe(200);

    // Filter by the administrator: the token's creation.
    await page.goto("/audit");
    await filterForm(page).getByLabel("User").fill(admin.email);
    await filterForm(page).getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`actor=${encodeURIComponent(admin.email)}`));
    const byAdmin = auditTable(page).getByRole("row").filter({ hasText: "token.create" });
    await expect(byAdmin).toHaveCount(1);
    await expect(byAdmin).toContainText("api-token");

    // Filter by the token (part of its label) and the "user" family of actions.
    await page.goto("/audit");
    await filterForm(page).getByLabel("User").fill(tokenName);
    await filterForm(page).getByLabel("Action").fill("user");
    await filterForm(page).getByRole("button", { name: "Apply filters" }).click();
    const rows = auditTable(page).getByRole("row").filter({ hasText: `token:${tokenName}` });
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText("user.update");
    await expect(rows.nth(0)).toContainText("API token");
    await expect(rows.nth(1)).toContainText("user.create");

    // The update's before/after: role is marked as changed, e-mail is not.
    await rows.nth(0).getByRole("button", { name: /1 change/ }).click();
    const diff = page.locator(`tr[id^="audit-"]:visible`);
    await expect(diff.getByRole("row", { name: /^role changed/i })).toContainText('"VIEWER"');
    await expect(diff.getByRole("row", { name: /^role changed/i })).toContainText('"OPERATOR"');
    await expect(diff.getByRole("row", { name: /^email / })).not.toContainText("changed");
    await rows.nth(0).getByRole("button", { name: "Hide details" }).click();
    await expect(diff).toHaveCount(0);

    // Filter by object type and id (the link under the object does the same).
    await page.goto(`/audit?objectType=user&objectId=${userId}`);
    await expect(auditTable(page).getByRole("row")).toHaveCount(3); // header + 2 entries
    await expect(filterForm(page).getByLabel("Object id")).toHaveValue(userId);

    // The database holds exactly what the page shows.
    const entries = await sql<{ action: string; actor_label: string; actor_type: string }>(
      `SELECT action, actor_label, actor_type FROM audit_log WHERE object_id = $1 ORDER BY id`,
      [userId],
    );
    expect(entries).toEqual([
      { action: "user.create", actor_label: `token:${tokenName}`, actor_type: "TOKEN" },
      { action: "user.update", actor_label: `token:${tokenName}`, actor_type: "TOKEN" },
    ]);
  });

  test("pages to older and newer entries and filters by time", async ({ page }) => {
    const viewer = await createUser("VIEWER");
    const objectType = `paging-${randomUUID().slice(0, 8)}`;
    await seedEntries(60, { objectType });
    await signInAndWait(page, viewer.email);

    await page.goto(`/audit?objectType=${objectType}`);
    // The entries' own rows (not the hidden before/after rows, nor the rows of their inner tables).
    const body = auditTable(page).locator(":scope > tbody > tr:not([id])");
    await expect(body).toHaveCount(50);
    await expect(body.first()).toContainText("obj-59");
    await expect(page.getByRole("link", { name: "← Newer" })).toHaveCount(0);

    await page.getByRole("link", { name: "Older →" }).click();
    await expect(body).toHaveCount(10);
    await expect(body.first()).toContainText("obj-9");
    await expect(body.last()).toContainText("obj-0");
    await expect(page.getByRole("link", { name: "Older →" })).toHaveCount(0);

    await page.getByRole("link", { name: "← Newer" }).click();
    await expect(body).toHaveCount(50);
    await expect(body.first()).toContainText("obj-59");
    await expect(body.last()).toContainText("obj-10");

    // A time range: seconds 10 to 14 after the start (UTC), both ends included.
    await page.goto(`/audit?objectType=${objectType}`);
    await filterForm(page).getByLabel("From (UTC)").fill("2030-01-01T00:00:10");
    await filterForm(page).getByLabel("To (UTC)").fill("2030-01-01T00:00:14");
    await filterForm(page).getByRole("button", { name: "Apply filters" }).click();
    await expect(body).toHaveCount(5);
    await expect(body.first()).toContainText("2030-01-01 00:00:14 UTC");
    await expect(body.last()).toContainText("2030-01-01 00:00:10 UTC");
  });

  test("bad filters get a message instead of results, and an empty result says so", async ({ page }) => {
    const viewer = await createUser("VIEWER");
    await signInAndWait(page, viewer.email);

    await page.goto("/audit?from=2030-01-02T00:00&to=2030-01-01T00:00");
    await expect(page.getByText("The end of the range is before its start.")).toBeVisible();
    await expect(filterForm(page).getByLabel("To (UTC)")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("alert").filter({ hasText: "Correct the highlighted filters" })).toBeVisible();
    await expect(auditTable(page)).toHaveCount(0);

    await page.goto("/audit?from=yesterday");
    await expect(page.getByText(/Use a date and time such as/)).toBeVisible();

    await page.goto(`/audit?objectId=${randomUUID()}`);
    await expect(page.getByRole("heading", { name: "No entries match these filters" })).toBeVisible();
    await page.getByRole("link", { name: "Clear filters" }).first().click();
    await expect(page).toHaveURL(/\/audit$/);

    // A tampered page link falls back to the newest entries with a notice.
    await page.goto("/audit?cursor=bogus&direction=older");
    await expect(page.getByRole("status").filter({ hasText: "That page link is no longer valid" })).toBeVisible();
    await expect(auditTable(page)).toBeVisible();
  });
});
