import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";

import { createNode, createTenant, createUser, sql } from "./db";
import { signInAndWait } from "./helpers";

// The Calls page: call records seeded into call_records as the collector stores them, shown newest first with the
// call guard's outcome, reason, extension and cost; the node and account filters narrow the table to what the
// database holds for them; an unknown account shows the empty state; a tenant administrator sees only the tenant's
// account code. The Blocked extensions page: a seeded open block lifted through the UI behind its confirmation,
// then shown lifted, as the database now holds it.

interface CallSeed {
  account: string;
  source: string;
  destination: string;
  startedAt: Date;
  disposition: "ANSWERED" | "NO_ANSWER" | "BUSY" | "FAILED" | "CONGESTION";
  billSeconds: number;
  durationSeconds: number;
  guard?: { outcome: "ALLOW" | "REFUSE" | "BLOCK"; reason: string | null; extension: string; cost?: string; currency?: string };
}

async function insertCall(nodeId: string, seed: CallSeed): Promise<string> {
  const uniqueId = `${Math.floor(seed.startedAt.getTime() / 1000)}.${randomUUID().slice(0, 8)}`;
  const [row] = await sql<{ id: string }>(
    `INSERT INTO call_records (node_id, unique_id, record_digest, account_code, source, destination, context, caller_id, channel, dst_channel,
                               last_app, started_at, answered_at, ended_at, duration_seconds, bill_seconds, disposition,
                               guard_outcome, guard_reason, guard_extension, cost, currency)
     VALUES ($1, $2, encode(sha256(convert_to($2, 'UTF8')), 'hex'), $3, $4, $5, 'from-internal', '', 'PJSIP/1001-00000001', '', 'Dial',
             $6, $7, $8, $9, $10, $11::"CallDisposition", $12::"CallGuardOutcome", $13, $14, $15::numeric, $16) RETURNING id::text`,
    [
      nodeId,
      uniqueId,
      seed.account,
      seed.source,
      seed.destination,
      seed.startedAt,
      seed.billSeconds > 0 ? new Date(seed.startedAt.getTime() + (seed.durationSeconds - seed.billSeconds) * 1000) : null,
      new Date(seed.startedAt.getTime() + seed.durationSeconds * 1000),
      seed.durationSeconds,
      seed.billSeconds,
      seed.disposition,
      seed.guard?.outcome ?? null,
      seed.guard?.reason ?? null,
      seed.guard?.extension ?? null,
      seed.guard?.cost ?? null,
      seed.guard?.currency ?? null,
    ],
  );
  return row!.id;
}

async function seed() {
  const node = await createNode("calls");
  const account = `acct${randomUUID().slice(0, 8)}`;
  const other = `${account}x`;
  const minute = (n: number) => new Date(Date.UTC(2026, 0, 15, 9, n, 0));
  const ids = {
    newest: await insertCall(node.id, {
      account,
      source: "1001",
      destination: "4930123",
      startedAt: minute(3),
      disposition: "ANSWERED",
      billSeconds: 57,
      durationSeconds: 61,
      guard: { outcome: "ALLOW", reason: null, extension: "1001", cost: "0.0950", currency: "EUR" },
    }),
    busy: await insertCall(node.id, {
      account,
      source: "1002",
      destination: "4930456",
      startedAt: minute(2),
      disposition: "BUSY",
      billSeconds: 0,
      durationSeconds: 4,
      guard: { outcome: "REFUSE", reason: "extension-daily", extension: "1002" },
    }),
    other: await insertCall(node.id, { account: other, source: "2001", destination: "33123", startedAt: minute(1), disposition: "ANSWERED", billSeconds: 10, durationSeconds: 12 }),
  };
  return { node, account, other, ids };
}

const row = (page: Page, id: string) => page.locator(`tr[data-call-id="${id}"]`);

async function search(page: Page, fields: { node?: string; account?: string }): Promise<void> {
  if (fields.node !== undefined) await page.getByLabel("Node").selectOption({ label: fields.node });
  if (fields.account !== undefined) await page.getByLabel("Account code").fill(fields.account);
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(/\/calls\?/);
}

test.describe("Calls page", () => {
  test("an operator sees the node's recorded calls, filters them by account and sees the empty state for an unknown one", async ({ page }) => {
    const f = await seed();
    const user = await createUser("OPERATOR");
    await signInAndWait(page, user.email);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calls", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Calls" })).toBeVisible();

    await search(page, { node: f.node.name });
    const rows = page.locator("tr[data-call-id]");
    // Exactly the node's records in the database, newest first.
    const stored = await sql<{ id: string }>(`SELECT id::text FROM call_records WHERE node_id = $1 ORDER BY started_at DESC, id DESC`, [f.node.id]);
    expect(stored.map((r) => r.id)).toEqual([f.ids.newest, f.ids.busy, f.ids.other]);
    await expect(rows).toHaveCount(3);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-call-id")))).toEqual(stored.map((r) => r.id));
    const newest = row(page, f.ids.newest);
    await expect(newest).toContainText("2026-01-15 09:03 UTC");
    await expect(newest).toContainText(f.node.name);
    await expect(newest).toContainText(f.account);
    await expect(newest).toContainText("1001 → 4930123");
    await expect(newest).toContainText("Answered");
    await expect(newest).toContainText("57 / 61");
    await expect(newest.getByTestId("call-guard")).toHaveText("Allowed");
    await expect(newest.getByTestId("call-cost")).toHaveText("€0.095");
    await expect(row(page, f.ids.busy)).toContainText("Busy");
    await expect(row(page, f.ids.busy)).toContainText("0 / 4");
    // A refused call: the reason in words beside the outcome, the extension, no cost.
    await expect(row(page, f.ids.busy).getByTestId("call-guard")).toHaveText("RefusedThe extension's daily limit is reached");
    await expect(row(page, f.ids.busy)).toContainText("1002");
    await expect(row(page, f.ids.busy).getByTestId("call-cost")).toHaveText("—");
    await expect(row(page, f.ids.other).getByTestId("call-guard")).toHaveText("Not decided");

    await search(page, { account: f.account });
    await expect(page).toHaveURL(new RegExp(`accountCode=${f.account}`));
    await expect(rows).toHaveCount(2);
    await expect(row(page, f.ids.other)).toHaveCount(0);

    await search(page, { account: `${f.account}-nobody` });
    await expect(rows).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "No calls match" })).toBeVisible();
    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect(page).toHaveURL(/\/calls$/);
  });

  test("a tenant administrator sees only the calls of the tenant's account code, on the page and in the API", async ({ page }) => {
    const f = await seed();
    const tenant = await createTenant();
    await sql(`UPDATE tenants SET account_code = $1 WHERE id = $2`, [f.account, tenant.id]);
    const user = await createUser("TENANT_ADMIN", tenant.id);
    await signInAndWait(page, user.email);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calls", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Calls" })).toBeVisible();
    await expect(page.getByLabel("Node")).toHaveCount(0);
    const rows = page.locator("tr[data-call-id]");
    await expect(rows).toHaveCount(2);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-call-id")))).toEqual([f.ids.newest, f.ids.busy]);
    await search(page, { account: f.other });
    await expect(rows).toHaveCount(0);
    const api = await page.request.get(`/api/v1/calls?accountCode=${f.other}`);
    expect(api.status()).toBe(200);
    expect((await api.json()).items).toEqual([]);
  });
});

test.describe("Blocked extensions page", () => {
  test("an operator lifts an open block behind the confirmation and sees it lifted, as the database holds it", async ({ page }) => {
    const node = await createNode("blocks");
    const tenant = await createTenant();
    const account = `acct${randomUUID().slice(0, 8)}`;
    await sql(`UPDATE tenants SET account_code = $1 WHERE id = $2`, [account, tenant.id]);
    const [block] = await sql<{ id: string }>(
      `INSERT INTO extension_blocks (account_code, extension, node_id, number, blocked_at) VALUES ($1, '1001', $2, '0088213000001', $3) RETURNING id::text`,
      [account, node.id, new Date(Date.UTC(2026, 0, 16, 8, 30, 0))],
    );
    const user = await createUser("OPERATOR");
    await signInAndWait(page, user.email);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Blocked extensions" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Blocked extensions" })).toBeVisible();
    const row = page.locator(`tr[data-block-id="${block!.id}"]`);
    await expect(row).toContainText("1001");
    await expect(row).toContainText(tenant.name);
    await expect(row).toContainText("0088213000001");
    await expect(row).toContainText(node.name);
    await expect(row).toContainText("2026-01-16 08:30 UTC");
    await expect(row).toContainText("Blocked");

    // Cancel first: nothing changes.
    await row.getByRole("button", { name: /Lift block of extension 1001/ }).click();
    const dialog = page.getByRole("alertdialog", { name: "Lift the block of extension 1001?" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect((await sql<{ lifted: boolean }>(`SELECT lifted_at IS NOT NULL AS lifted FROM extension_blocks WHERE id = $1`, [block!.id]))[0]!.lifted).toBe(false);

    await row.getByRole("button", { name: /Lift block of extension 1001/ }).click();
    await dialog.getByRole("button", { name: "Lift block" }).click();
    await expect(row.getByRole("status")).toHaveText("Block lifted.");
    await expect(row).toContainText("Lifted");
    await expect(row).toContainText(`by ${user.email}`);
    await expect(row.getByRole("button", { name: /Lift block/ })).toHaveCount(0);
    const [stored] = await sql<{ lifted_by: string; lifted: boolean }>(`SELECT lifted_by, lifted_at IS NOT NULL AS lifted FROM extension_blocks WHERE id = $1`, [block!.id]);
    expect(stored).toEqual({ lifted_by: user.email, lifted: true });
    const audit = await sql<{ action: string }>(`SELECT action FROM audit_log WHERE object_id = $1`, [block!.id]);
    expect(audit.map((a) => a.action)).toEqual(["extension-block.lift"]);
  });

  test("a viewer sees the blocks without a Lift button", async ({ page }) => {
    const account = `acct${randomUUID().slice(0, 8)}`;
    const [block] = await sql<{ id: string }>(
      `INSERT INTO extension_blocks (account_code, extension, number, blocked_at) VALUES ($1, '2001', '0088213000002', now()) RETURNING id::text`,
      [account],
    );
    const user = await createUser("VIEWER");
    await signInAndWait(page, user.email);
    await page.goto("/call-limits/blocks?open=true");
    const row = page.locator(`tr[data-block-id="${block!.id}"]`);
    await expect(row).toContainText("No tenant");
    await expect(row).toContainText("Removed node");
    await expect(row.getByRole("button")).toHaveCount(0);
  });
});
