import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createUser, sql } from "./db";
import { signInAndWait } from "./helpers";

// A route's rate table in the dashboard: a CSV with one bad line is refused with that line's reason and nothing
// stored; fixed and imported, it prices a number by the longest matching prefix.

let prefixCounter = Math.floor(Math.random() * 1_000_000);
const uniquePrefix = () => `00${String(prefixCounter++).padStart(7, "0")}`;

async function seedRoute(currency = "EUR") {
  const name = `Carrier ${randomUUID().slice(0, 6)}`;
  const [row] = await sql<{ id: string }>(
    `INSERT INTO route_cost_limits (name, prefix, max_cost_per_minute, currency) VALUES ($1, $2, 1, $3) RETURNING id`,
    [name, uniquePrefix(), currency],
  );
  return { id: row!.id, name };
}

const BAD_DECK = [
  "prefix,description,cost_per_minute,increment,connection_fee",
  "44,United Kingdom,0.0125,60/60,0",
  "447,UK mobile,0,085,30/6,0.05",
  "+1,North America,0.1,60/60,0.1",
].join("\n");

test.describe("route rates", () => {
  test("imports a CSV after fixing its one bad line, and prices a number", async ({ page }) => {
    const route = await seedRoute();
    const user = await createUser("OPERATOR");
    await signInAndWait(page, user.email);
    await page.goto("/call-limits");
    await page.getByRole("link", { name: `Rates of route ${route.name}` }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Rates of ${route.name}` })).toBeVisible();
    // What rates decide on the nodes, and whether the guard is on, comes first.
    await expect(page.getByTestId("rates-enforcement")).toContainText("Rates price every call of the route for the call guard");
    await expect(page.getByRole("heading", { name: "No rates yet" })).toBeVisible();

    await page.getByRole("button", { name: "Import rates…" }).click();
    const dialog = page.getByRole("dialog", { name: `Import rates into ${route.name}` });
    await dialog.getByLabel("Rates (CSV)").fill(BAD_DECK);
    await dialog.getByRole("button", { name: "Import", exact: true }).click();
    await expect(dialog.getByRole("alert")).toContainText("1 line was rejected; nothing was stored.");
    const rejected = dialog.getByRole("region", { name: "Rejected lines" }).getByRole("row").filter({ hasText: "447" });
    await expect(rejected).toContainText("3");
    await expect(rejected).toContainText("Expected at most 5 fields, as the header names, found 6. Amounts take a point as the decimal separator.");
    expect(await sql(`SELECT 1 FROM route_rates WHERE route_id = $1`, [route.id])).toHaveLength(0);

    // The text stays in the dialog: fix the decimal comma, check, then import.
    await dialog.getByLabel("Rates (CSV)").fill(BAD_DECK.replace("0,085", "0.085"));
    await dialog.getByRole("button", { name: "Check" }).click();
    await expect(dialog.getByRole("status")).toHaveText("All 3 rates are good. Nothing is stored until you import.");
    await dialog.getByRole("button", { name: "Import", exact: true }).click();
    await expect(dialog.getByRole("status")).toHaveText("Stored 3 rates, replacing the 0 the route had.");
    await dialog.getByRole("button", { name: "Done" }).click();

    const table = page.getByRole("table", { name: "Rates" });
    await expect(table.getByRole("row").filter({ hasText: "UK mobile" })).toContainText("€0.085");
    await expect(table.getByRole("row").filter({ hasText: "UK mobile" })).toContainText("30/6");
    const stored = await sql<{ prefix: string; cost: string; fee: string; first: number; next: number }>(
      `SELECT prefix, cost_per_minute::text AS cost, connection_fee::text AS fee, first_increment AS first, next_increment AS next
         FROM route_rates WHERE route_id = $1 ORDER BY prefix`,
      [route.id],
    );
    expect(stored).toEqual([
      { prefix: "1", cost: "0.1000", fee: "0.1000", first: 60, next: 60 },
      { prefix: "44", cost: "0.0125", fee: "0.0000", first: 60, next: 60 },
      { prefix: "447", cost: "0.0850", fee: "0.0500", first: 30, next: 6 },
    ]);
    const [audit] = await sql<{ action: string; after: { rateCount: number; source: string } }>(
      `SELECT action, after FROM audit_log WHERE object_id = $1 AND action = 'route-rates.import'`,
      [route.id],
    );
    expect(audit).toMatchObject({ after: { rateCount: 3, source: "dashboard" } });

    // 37 s to a UK mobile on 30/6 bills 42 s: 0.085 × 42 / 60 + 0.05 = 0.1095 → €0.11.
    const form = page.getByRole("form", { name: "Price a number" });
    await form.getByLabel("Number").fill("+447911123456");
    await form.getByLabel("Duration").fill("37");
    await form.getByRole("button", { name: "Price" }).click();
    const price = page.getByRole("status", { name: "Price" });
    await expect(price).toContainText("447911123456: €0.11 for 37 s");
    await expect(price).toContainText("UK mobile");
    await expect(price).toContainText("42 s (increment 30/6)");

    // A number no prefix matches, and one that is not a number, are explained under the field.
    await form.getByLabel("Number").fill("33123456");
    await form.getByRole("button", { name: "Price" }).click();
    await expect(form).toContainText(`No rate of the route “${route.name}” matches 33123456`);
    await form.getByLabel("Number").fill("44 20 7946");
    await form.getByRole("button", { name: "Price" }).click();
    await expect(form).toContainText("Number must be 1 to 32 digits");

    // The route list counts the rates.
    await page.goto("/call-limits");
    await expect(page.getByRole("link", { name: `Rates of route ${route.name}` })).toHaveText("3 rates");
  });

  test("shows a viewer the rates and the price look-up, without the import", async ({ page }) => {
    const route = await seedRoute("JPY");
    await sql(
      `INSERT INTO route_rates (route_id, prefix, description, cost_per_minute, first_increment, next_increment, connection_fee)
       VALUES ($1, '81', 'Japan', 7.5, 60, 60, 0)`,
      [route.id],
    );
    const user = await createUser("VIEWER");
    await signInAndWait(page, user.email);
    await page.goto(`/call-limits/routes/${route.id}`);
    await expect(page.getByRole("table", { name: "Rates" })).toContainText("Japan");
    await expect(page.getByRole("button", { name: "Import rates…" })).toHaveCount(0);
    const form = page.getByRole("form", { name: "Price a number" });
    await form.getByLabel("Number").fill("81312345678");
    await form.getByRole("button", { name: "Price" }).click();
    // Yen have no minor unit: 7.5 rounds half up to ¥8.
    await expect(page.getByRole("status", { name: "Price" })).toContainText("81312345678: ¥8 for 60 s");
  });
});
