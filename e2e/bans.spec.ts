import { randomInt } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";

import { createNode, createUser, insertBanEvent, sql } from "./db";
import { signInAndWait } from "./helpers";
import { seedTenant } from "./tenant-helpers";

// The Bans page across tenants: bans seeded inside two tenants' restriction networks (and one outside both).
// A tenant administrator sees only their tenant's addresses and cannot unban another tenant's (the server
// action refuses it: never a 500, and the ban stays); an administrator sees every address; the address and
// network filters narrow the list.

interface Fixture {
  nodeName: string;
  /** Inside tenant A's first restriction network. */
  addressA: string;
  /** Inside tenant B's first restriction network. */
  addressB: string;
  /** Inside no tenant's networks. */
  outside: string;
  networkA: string;
  tenantA: string;
  tenantB: string;
}

async function firstNetwork(entryId: string): Promise<string> {
  const [row] = await sql<{ network: string }>(`SELECT abbrev(network) AS network FROM address_entries WHERE id = $1`, [entryId]);
  return row!.network;
}

/** An address inside a /24 such as 10.3.7.0/24. */
const hostIn = (network: string, last: number) => network.replace(/\.0\/24$/, `.${last}`);

async function seed(): Promise<Fixture> {
  const a = await seedTenant("bans-a");
  const b = await seedTenant("bans-b");
  const node = await createNode("bans");
  const networkA = await firstNetwork(a.entryId);
  const fixture: Fixture = {
    nodeName: node.name,
    addressA: hostIn(networkA, 21),
    addressB: hostIn(await firstNetwork(b.entryId), 22),
    outside: `198.51.${randomInt(0, 255)}.${randomInt(1, 254)}`,
    networkA,
    tenantA: a.id,
    tenantB: b.id,
  };
  await insertBanEvent({ nodeId: node.id, address: fixture.addressA, country: "DE" });
  await insertBanEvent({ nodeId: node.id, address: fixture.addressB, country: "FR", jail: "rampart-recidive" });
  await insertBanEvent({ nodeId: node.id, address: fixture.outside, country: "NL" });
  return fixture;
}

const row = (page: Page, address: string) => page.locator(`tr[data-address="${address}"]`);

async function search(page: Page, query: string): Promise<void> {
  await page.getByLabel("Address or network").fill(query);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(query).replaceAll(".", "\\.")}`));
}

async function isStillBanned(address: string): Promise<boolean> {
  const rows = await sql<{ open: boolean }>(`SELECT bool_or(unbanned_at IS NULL) AS open FROM ban_events WHERE address = $1::inet`, [address]);
  return rows[0]?.open === true;
}

test.describe("Bans page across tenants", () => {
  test("a tenant administrator sees only their tenant's addresses", async ({ page }) => {
    const f = await seed();
    const user = await createUser("TENANT_ADMIN", f.tenantA);
    await signInAndWait(page, user.email);
    await page.goto("/bans");
    await expect(row(page, f.addressA)).toBeVisible();
    await expect(row(page, f.addressA)).toContainText(f.nodeName);
    await expect(row(page, f.addressB)).toHaveCount(0);
    await expect(row(page, f.outside)).toHaveCount(0);

    // Searching for another tenant's address directly finds nothing either.
    await search(page, f.addressB);
    await expect(page.getByText("No current bans match")).toBeVisible();
    await expect(row(page, f.addressB)).toHaveCount(0);
  });

  test("unbanning another tenant's address through the action is refused, never a 500, and the ban stays", async ({ page }) => {
    const f = await seed();
    const user = await createUser("TENANT_ADMIN", f.tenantA);
    await signInAndWait(page, user.email);
    await page.goto("/bans");
    await expect(row(page, f.addressA)).toBeVisible();

    // The page only offers the tenant's own address: rewrite the server action's request on the wire so it names
    // tenant B's address instead, as a hand-crafted request would.
    let actionStatus = 0;
    await page.route("**/bans", async (route) => {
      const request = route.request();
      if (request.method() !== "POST" || !request.headers()["next-action"]) return route.continue();
      const body = request.postData() ?? "";
      expect(body).toContain(f.addressA);
      const response = await route.fetch({ postData: body.replaceAll(f.addressA, f.addressB) });
      actionStatus = response.status();
      await route.fulfill({ response });
    });
    await page.getByRole("button", { name: `Unban ${f.addressA}` }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.getByRole("button", { name: "Unban", exact: true }).click();

    const result = page.getByTestId("ban-action-result");
    await expect(result).toContainText(`No current ban of ${f.addressB}`);
    expect(actionStatus).toBeGreaterThanOrEqual(200);
    expect(actionStatus).toBeLessThan(500);
    expect(await isStillBanned(f.addressB)).toBe(true);
    // And nothing was recorded as an unban of B's address.
    const audit = await sql(`SELECT id FROM audit_log WHERE actor_label = $1 AND (before::text LIKE $2 OR after::text LIKE $2)`, [user.email, `%${f.addressB}%`]);
    expect(audit).toHaveLength(0);
  });

  test("an administrator sees every address, and the address and network filters narrow the list", async ({ page }) => {
    const f = await seed();
    const admin = await createUser("ADMIN");
    await signInAndWait(page, admin.email);
    await page.goto("/bans");
    for (const address of [f.addressA, f.addressB, f.outside]) await expect(row(page, address)).toBeVisible();
    await expect(row(page, f.addressB)).toContainText("rampart-recidive");

    // A network finds every banned address inside it (only A's here).
    await search(page, f.networkA);
    await expect(row(page, f.addressA)).toBeVisible();
    await expect(row(page, f.addressB)).toHaveCount(0);
    await expect(row(page, f.outside)).toHaveCount(0);

    // One address finds only itself.
    await search(page, f.outside);
    await expect(row(page, f.outside)).toBeVisible();
    await expect(page.locator("tr[data-address]")).toHaveCount(1);

    // A bad address gets a clear message, not an error page.
    await page.getByLabel("Address or network").fill("10.1.2.300");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByLabel("Address or network")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("Correct the search fields above to see bans.")).toBeVisible();

    // Filters combine: country narrows the network search.
    await page.goto(`/bans?q=${encodeURIComponent(f.networkA)}&country=FR`);
    await expect(page.getByText("No current bans match")).toBeVisible();
    await page.goto(`/bans?q=${encodeURIComponent(f.networkA)}&country=de`);
    await expect(row(page, f.addressA)).toBeVisible();
  });

  test("on a narrow window the table scrolls sideways and each row's Unban stays in view", async ({ page }) => {
    const node = await createNode("a-long-node-name-for-the-table");
    const address = "2001:db8:ffff:1234:5678:9abc:def0:1";
    const bannedAt = new Date("2026-01-02T03:04:00Z");
    await insertBanEvent({ nodeId: node.id, address, country: "DE", bannedAt, expiresAt: null });
    const admin = await createUser("ADMIN");
    await page.setViewportSize({ width: 1024, height: 800 });
    await signInAndWait(page, admin.email);
    await page.goto(`/bans?q=${encodeURIComponent(address)}`);

    const table = page.getByRole("region", { name: "Current bans, one row per address" });
    const [scrollWidth, clientWidth] = await table.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    await expect(row(page, address).getByRole("button", { name: `Unban ${address}` })).toBeInViewport({ ratio: 1 });
    // The ban's times in one two-line cell: from when, and until when (here: permanent).
    await expect(row(page, address)).toContainText("from 2026-01-02 03:04");
    await expect(row(page, address).getByText("Permanent", { exact: true })).toBeVisible();
  });
});
