import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";

import { hashArtefacts } from "../lib/rules/hash";
import { createNode, createUser, sql } from "./db";
import { signInAndWait } from "./helpers";

// The version history: reached from the Rulesets page, it lists the stored versions newest first with their
// author, change summary and the nodes running them, pages with Next/Previous, compares two versions (or one
// with the version before it), and lets a role that pushes roll back to a version through the existing push,
// whose live page then opens. The seeded node has no key, so the push ends FAILED without a connection; what
// is asserted is what was pushed (the deployments table).

const unique = randomUUID().slice(0, 8);
// Far in the future, so these are the newest versions whatever other specs stored.
const at = (minutes: number) => new Date(Date.UTC(2041, 0, 1, 0, minutes, 0));

/** A stored version whose artefacts check out against its hash (the push re-checks before sending). */
async function insertVersion(createdAt: Date, iptables: string, author: string): Promise<string> {
  const rest = { "iptables.rules": iptables };
  const hash = hashArtefacts(rest);
  const files = { ...rest, "manifest.json": JSON.stringify({ version: hash }) };
  await sql(`INSERT INTO ruleset_versions (hash, author, created_at, policy, manifest, artefacts) VALUES ($1, $2, $3, '{}'::jsonb, $4::jsonb, $5)`, [
    hash,
    author,
    createdAt,
    JSON.stringify({ version: hash }),
    gzipSync(JSON.stringify(files)),
  ]);
  return hash;
}

const short = (hash: string) => hash.slice(0, 12);
let v1 = "";
let v2 = "";
let v3 = "";
let node = { id: "", name: "" };

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  // 26 older versions first, so the three named ones and 22 of these fill the first page (25 rows).
  for (let i = 0; i < 26; i++) await insertVersion(at(i), `# filler ${unique} ${i}\n`, "filler@rampart.test");
  v1 = await insertVersion(at(100), `# ${unique}\n-A RAMPART-INPUT -j DROP\n`, "first@rampart.test");
  v2 = await insertVersion(at(101), `# ${unique}\n-A RAMPART-INPUT -j REJECT\n-A RAMPART-INPUT -s 192.0.2.9 -j ACCEPT\n`, "second@rampart.test");
  v3 = await insertVersion(at(102), `# ${unique}\n-A RAMPART-INPUT -j REJECT\n-A RAMPART-INPUT -s 192.0.2.9 -j ACCEPT\n-A RAMPART-INPUT -s 192.0.2.10 -j ACCEPT\n`, "third@rampart.test");
  node = await createNode("versions");
  await sql(
    `INSERT INTO deployments (batch_id, node_id, ruleset_id, state, progress, requested_by, finished_at)
     SELECT gen_random_uuid(), $1, id, 'CONFIRMED', 100, 'e2e', now() FROM ruleset_versions WHERE hash = $2`,
    [node.id, v2],
  );
});

test("a viewer reads the history from the Rulesets page, pages through it and compares versions, without a rollback button", async ({ page }) => {
  const viewer = await createUser("VIEWER");
  await signInAndWait(page, viewer.email);
  await page.goto("/rulesets");
  await page.getByRole("link", { name: "Version history" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Ruleset versions" })).toBeVisible();

  const table = page.getByRole("region", { name: "Ruleset versions, newest first" });
  const rows = table.getByRole("row");
  await expect(rows).toHaveCount(26);
  await expect(rows.nth(1)).toContainText(short(v3));
  await expect(rows.nth(1)).toContainText("third@rampart.test");
  await expect(rows.nth(1)).toContainText("iptables.rules +1");
  await expect(rows.nth(2)).toContainText(short(v2));
  await expect(rows.nth(2)).toContainText("iptables.rules +2 −1");
  await expect(rows.nth(2)).toContainText(node.name);
  await expect(rows.nth(3)).toContainText(short(v1));
  await expect(rows.nth(3)).toContainText("No node");
  await expect(page.getByRole("button", { name: /^Roll back/ })).toHaveCount(0);

  // Paging: the 4 oldest seeded versions are on the next page, and Previous leads back.
  await page.getByRole("link", { name: "Next →" }).click();
  await expect(table.getByRole("row").nth(1)).toContainText("filler@rampart.test");
  await expect(table).not.toContainText(short(v3));
  await page.getByRole("link", { name: "← Previous" }).click();
  await expect(rows.nth(1)).toContainText(short(v3));
  await expect(page.getByRole("link", { name: "← Previous" })).toHaveCount(0);

  // Compare with the previous version.
  await page.getByRole("link", { name: `Compare ${short(v3)} with the previous version` }).click();
  await expect(page.getByRole("heading", { name: `Changes from ${short(v2)} to ${short(v3)}` })).toBeVisible();
  const changes = page.getByRole("region", { name: "Changes in iptables.rules" });
  await expect(changes).toContainText("1 added, 0 removed");
  await expect(changes).toContainText("+ -A RAMPART-INPUT -s 192.0.2.10 -j ACCEPT");

  // Two versions ticked, in either order: what the newer one changed against the older.
  await page.getByRole("checkbox", { name: `Select ${short(v3)} to compare` }).check();
  await page.getByRole("checkbox", { name: `Select ${short(v1)} to compare` }).check();
  await page.getByRole("checkbox", { name: `Select ${short(v2)} to compare` }).uncheck();
  await page.getByRole("button", { name: "Compare selected" }).click();
  await expect(page.getByRole("heading", { name: `Changes from ${short(v1)} to ${short(v3)}` })).toBeVisible();
  await expect(changes).toContainText("3 added, 1 removed");
  await expect(changes).toContainText("- -A RAMPART-INPUT -j DROP");
  await expect(changes).toContainText("+ -A RAMPART-INPUT -s 192.0.2.9 -j ACCEPT");
});

test("an operator rolls chosen nodes back to a version through the push, which opens its live page", async ({ page }) => {
  const operator = await createUser("OPERATOR");
  await signInAndWait(page, operator.email);
  await page.goto("/rulesets/versions");

  await page.getByRole("button", { name: `Roll back to ${short(v1)}` }).click();
  const dialog = page.getByRole("alertdialog", { name: `Roll back to version ${short(v1)}?` });
  await expect(dialog).toContainText(`Pushes version ${short(v1)}`);
  await expect(dialog).toContainText("by first@rampart.test");
  await expect(dialog).toContainText(/to all \d+ enabled nodes?\./);
  await dialog.getByLabel("Chosen nodes").check();
  await dialog.getByLabel(node.name).check();
  await expect(dialog).toContainText(`to ${node.name}.`);
  await dialog.getByRole("button", { name: `Roll back to ${short(v1)}` }).click();

  await expect(page).toHaveURL(/\/nodes\/pushes\/[0-9a-f-]{36}$/);
  const batchId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { level: 1, name: "Push" })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(node.name) })).toContainText(short(v1));

  const pushed = await sql<{ batch_id: string; hash: string; requested_by: string }>(
    `SELECT d.batch_id::text, r.hash, d.requested_by FROM deployments d JOIN ruleset_versions r ON r.id = d.ruleset_id WHERE d.node_id = $1 ORDER BY d.created_at`,
    [node.id],
  );
  expect(pushed).toHaveLength(2);
  expect(pushed[1]).toEqual({ batch_id: batchId, hash: v1, requested_by: operator.email });
  const [audit] = await sql<{ after: { nodes: { node: string; version: string }[] } }>(`SELECT after FROM audit_log WHERE action = 'push.rollback' AND object_id = $1`, [batchId]);
  expect(audit?.after.nodes).toEqual([{ node: node.name, version: v1 }]);
});

test("the API lists the versions and refuses an unknown one with 404", async ({ page }) => {
  const viewer = await createUser("VIEWER");
  await signInAndWait(page, viewer.email);
  const list = await page.request.get("/api/v1/rulesets/versions?limit=3");
  expect(list.status()).toBe(200);
  expect(((await list.json()) as { items: { hash: string }[] }).items.map((i) => i.hash)).toEqual([v3, v2, v1]);
  const diff = await page.request.get(`/api/v1/rulesets/versions/${short(v3)}/diff?against=${short(v1)}`);
  expect(await diff.json()).toMatchObject({ addedCount: 3, removedCount: 1 });
  expect((await page.request.get(`/api/v1/rulesets/versions/${"0".repeat(64)}`)).status()).toBe(404);
});
