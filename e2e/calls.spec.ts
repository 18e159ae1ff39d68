import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";

import { createNode, createUser, sql } from "./db";
import { signInAndWait } from "./helpers";

// The Calls page: call records seeded into call_records as the collector stores them, shown newest first with
// the not-enforced note; the node and account filters narrow the table to what the database holds for them; an
// unknown account shows the empty state; tenant administrators get neither the link nor the records.

interface CallSeed {
  account: string;
  source: string;
  destination: string;
  startedAt: Date;
  disposition: "ANSWERED" | "NO_ANSWER" | "BUSY" | "FAILED" | "CONGESTION";
  billSeconds: number;
  durationSeconds: number;
}

async function insertCall(nodeId: string, seed: CallSeed): Promise<string> {
  const uniqueId = `${Math.floor(seed.startedAt.getTime() / 1000)}.${randomUUID().slice(0, 8)}`;
  const [row] = await sql<{ id: string }>(
    `INSERT INTO call_records (node_id, unique_id, record_digest, account_code, source, destination, context, caller_id, channel, dst_channel,
                               last_app, started_at, answered_at, ended_at, duration_seconds, bill_seconds, disposition)
     VALUES ($1, $2, encode(sha256(convert_to($2, 'UTF8')), 'hex'), $3, $4, $5, 'from-internal', '', 'PJSIP/1001-00000001', '', 'Dial',
             $6, $7, $8, $9, $10, $11::"CallDisposition") RETURNING id::text`,
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
    newest: await insertCall(node.id, { account, source: "1001", destination: "4930123", startedAt: minute(3), disposition: "ANSWERED", billSeconds: 57, durationSeconds: 61 }),
    busy: await insertCall(node.id, { account, source: "1002", destination: "4930456", startedAt: minute(2), disposition: "BUSY", billSeconds: 0, durationSeconds: 4 }),
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
    await expect(page.getByTestId("calls-not-enforced")).toHaveText("Call-cost limits are not enforced yet; these are the calls the nodes' Asterisk recorded.");

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
    await expect(row(page, f.ids.busy)).toContainText("Busy");
    await expect(row(page, f.ids.busy)).toContainText("0 / 4");

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

  test("a tenant administrator has no Calls link, is sent away from the page and refused by the API", async ({ page }) => {
    await seed();
    const user = await createUser("TENANT_ADMIN");
    await signInAndWait(page, user.email);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calls", exact: true })).toHaveCount(0);
    await page.goto("/calls");
    await expect(page.getByText("You don't have access to this page")).toBeVisible();
    await expect(page.locator("tr[data-call-id]")).toHaveCount(0);
    expect((await page.request.get("/api/v1/calls")).status()).toBe(403);
  });
});
