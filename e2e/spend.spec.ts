import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";

import { createNode, createUser, sql } from "./db";
import { signInAndWait } from "./helpers";

// The Spend page: allowed calls seeded into call_records (guard outcome, extension, exact cost) with tenant and
// extension limits; the page shows the exact sums the database holds beside each limit with the share used, and
// its charts; a refused call costs nothing; a tenant administrator sees only their own tenant, and the empty state
// when it has no account code.

async function seedTenant(daily: string, monthly: string): Promise<{ id: string; name: string; accountCode: string }> {
  const name = `spend-${randomUUID().slice(0, 8)}`;
  const accountCode = `acct${randomUUID().slice(0, 8)}`;
  const [row] = await sql<{ id: string }>(`INSERT INTO tenants (name, account_code) VALUES ($1, $2) RETURNING id`, [name, accountCode]);
  await sql(`INSERT INTO tenant_call_limits (tenant_id, daily_limit, monthly_limit, currency) VALUES ($1, $2, $3, 'EUR')`, [row!.id, daily, monthly]);
  return { id: row!.id, name, accountCode };
}

async function insertCall(nodeId: string, seed: { accountCode: string; extension: string; cost: string; outcome?: "ALLOW" | "REFUSE" }): Promise<void> {
  // The start of today (UTC): today and this month for the server too.
  const now = new Date();
  const startedAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const uniqueId = `${Math.floor(startedAt.getTime() / 1000)}.${randomUUID().slice(0, 8)}`;
  await sql(
    `INSERT INTO call_records (node_id, unique_id, record_digest, account_code, source, destination, context, caller_id, channel, dst_channel,
                               last_app, started_at, answered_at, ended_at, duration_seconds, bill_seconds, disposition,
                               guard_outcome, guard_reason, guard_extension, cost, currency)
     VALUES ($1, $2, encode(sha256(convert_to($2, 'UTF8')), 'hex'), $3, $4, '4930123456', 'from-internal', '', 'PJSIP/' || $4 || '-00000001', '',
             'Dial', $5, $5, $5::timestamptz + interval '60 seconds', 60, 60, 'ANSWERED', $6::"CallGuardOutcome", $7, $4, $8::numeric, 'EUR')`,
    [nodeId, uniqueId, seed.accountCode, seed.extension, startedAt, seed.outcome ?? "ALLOW", seed.outcome === "REFUSE" ? "extension_daily" : null, seed.cost],
  );
}

test.describe("Spend page", () => {
  test("an operator sees the exact spend against each limit, the share used and the charts", async ({ page }) => {
    const node = await createNode("spend");
    const tenant = await seedTenant("5", "20");
    await sql(`INSERT INTO extension_call_limits (tenant_id, extension, daily_limit, currency) VALUES ($1, '1001', 0.5, 'EUR')`, [tenant.id]);
    await insertCall(node.id, { accountCode: tenant.accountCode, extension: "1001", cost: "0.1234" });
    await insertCall(node.id, { accountCode: tenant.accountCode, extension: "1001", cost: "0.2" });
    await insertCall(node.id, { accountCode: tenant.accountCode, extension: "1002", cost: "3.5" });
    await insertCall(node.id, { accountCode: tenant.accountCode, extension: "1001", cost: "9", outcome: "REFUSE" });
    const [sum] = await sql<{ total: string }>(
      `SELECT SUM(cost)::text AS total FROM call_records WHERE account_code = $1 AND guard_outcome = 'ALLOW'`,
      [tenant.accountCode],
    );
    expect(sum?.total).toBe("3.8234");

    const user = await createUser("OPERATOR");
    await signInAndWait(page, user.email);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Spend", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Spend" })).toBeVisible();

    const card = page.getByRole("region", { name: tenant.name, exact: true });
    await expect(card).toContainText(tenant.accountCode);
    const today = card.getByTestId("spend-today");
    await expect(today).toContainText("€3.8234");
    await expect(today).toContainText("of €5.00");
    await expect(today).toContainText("76.46 %");
    const month = card.getByTestId("spend-month");
    await expect(month).toContainText("€3.8234");
    await expect(month).toContainText("of €20.00");
    await expect(month).toContainText("19.11 %");

    const limited = card.locator('tr[data-extension="1001"]');
    await expect(limited).toContainText("€0.3234");
    await expect(limited).toContainText("€0.50");
    await expect(limited).toContainText("64.68 %");
    const unlimited = card.locator('tr[data-extension="1002"]');
    await expect(unlimited).toContainText("€3.50");
    await expect(unlimited).toContainText("No limit");

    const budgets = card.locator('[data-chart="tenant-budgets"]');
    await expect(budgets).toBeVisible();
    await expect(budgets).toHaveAttribute("aria-label", `Spend against limits of ${tenant.name}: today €3.8234 of €5.00, this month €3.8234 of €20.00`);
    await expect(budgets.locator(".recharts-bar-rectangle").first()).toBeVisible();
    const perDay = card.locator('[data-chart="spend-per-day"]');
    await expect(perDay).toBeVisible();
    await expect(perDay).toHaveAttribute("aria-label", `Spend per day this month of ${tenant.name}: €3.8234 in total`);
  });

  test("a tenant administrator sees only their own tenant, and the empty state without an account code", async ({ page, browser }) => {
    const node = await createNode("spend");
    const mine = await seedTenant("1", "10");
    const other = await seedTenant("1", "10");
    await insertCall(node.id, { accountCode: mine.accountCode, extension: "200", cost: "0.25" });
    await insertCall(node.id, { accountCode: other.accountCode, extension: "200", cost: "0.75" });

    const user = await createUser("TENANT_ADMIN", mine.id);
    await signInAndWait(page, user.email);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Spend", exact: true }).click();
    await expect(page.getByRole("region", { name: mine.name, exact: true }).getByTestId("spend-today")).toContainText("€0.25");
    await expect(page.getByRole("region", { name: mine.name, exact: true }).getByTestId("spend-today")).toContainText("25.00 %");
    await expect(page.getByRole("region", { name: other.name, exact: true })).toHaveCount(0);
    await expect(page.getByText("€0.75")).toHaveCount(0);
    expect((await page.request.get(`/api/v1/spend?tenantId=${other.id}`)).status()).toBe(404);

    const [noCode] = await sql<{ id: string }>(`INSERT INTO tenants (name) VALUES ($1) RETURNING id`, [`spend-nocode-${randomUUID().slice(0, 8)}`]);
    const lonely = await createUser("TENANT_ADMIN", noCode!.id);
    const context = await browser.newContext();
    const lonelyPage = await context.newPage();
    await signInAndWait(lonelyPage, lonely.email);
    await lonelyPage.goto("/spend");
    await expect(lonelyPage.getByRole("heading", { name: "No tenant has an account code" })).toBeVisible();
    await expect(lonelyPage.locator("[data-tenant-id]")).toHaveCount(0);
    await context.close();
  });
});
