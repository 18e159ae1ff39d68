import { expect, test } from "@playwright/test";

import { createNode, createUser, sql } from "./db";
import { E2E_BASE_URL } from "./env";
import { signInAndWait } from "./helpers";

// A push the policy would turn into a lockout is refused before anything is rendered or sent: the push dialog
// and the API say why and where to fix it, and the database holds no deployment. The management entries other
// specs left are set pending (which does not count) for the length of this spec, then restored.

test.describe("push preflight", () => {
  let parked: string[] = [];

  test.beforeAll(async () => {
    parked = (await sql<{ id: string }>(`UPDATE address_entries SET pending_reason = 'parked by push-preflight.spec' WHERE list = 'MANAGEMENT' AND pending_reason IS NULL RETURNING id`)).map((r) => r.id);
  });

  test.afterAll(async () => {
    await sql(`UPDATE address_entries SET pending_reason = NULL WHERE id = ANY($1::uuid[])`, [parked]);
  });

  test("refuses a default-deny push with no management network, in the dialog and on the API, creating nothing", async ({ page }) => {
    const node = await createNode("preflight");
    const admin = await createUser("ADMIN");
    await signInAndWait(page, admin.email);
    await page.goto("/nodes");
    await page.getByRole("button", { name: "Push ruleset" }).click();
    const dialog = page.getByRole("dialog", { name: "Push the ruleset" });
    await dialog.getByLabel("Selected nodes").check();
    await dialog.getByLabel(node.name, { exact: true }).check();
    await dialog.getByRole("button", { name: "Start push" }).click();
    await expect(dialog.getByText(/^Refused: no management network\./)).toBeVisible();
    await expect(dialog).toContainText(`only the panel could reach SSH and the PBX's admin services on ${node.name};`);
    await expect(dialog).toContainText("Firewall → Management access");
    await expect(page).toHaveURL(/\/nodes$/);

    const response = await page.request.post("/api/v1/pushes", { headers: { Origin: E2E_BASE_URL }, data: { target: { kind: "nodes", names: [node.name] } } });
    expect(response.status()).toBe(409);
    expect(((await response.json()) as { error: string }).error).toMatch(/^Refused: no management network\./);
    expect(await sql(`SELECT id FROM deployments WHERE node_id = $1`, [node.id])).toEqual([]);

    // With a management network in force, a node reached on a port the policy does not open is refused too.
    const [entry] = await sql<{ id: string }>(`INSERT INTO address_entries (list, network, family, comment) VALUES ('MANAGEMENT', '203.0.113.0/24', 4, 'push-preflight admins') RETURNING id`);
    try {
      await sql(`UPDATE nodes SET port = 2299 WHERE id = $1`, [node.id]);
      const refused = await page.request.post("/api/v1/pushes", { headers: { Origin: E2E_BASE_URL }, data: { target: { kind: "nodes", names: [node.name] } } });
      expect(refused.status()).toBe(409);
      expect(((await refused.json()) as { error: string }).error).toMatch(
        new RegExp(`^Refused: node ${node.name} is reached on SSH port 2299, which the exposure policy does not open \\(it opens [0-9, ]+\\); the push would cut the panel off\\. Add 2299 to the SSH ports \\(Firewall → GeoIP, Ports\\) or change the node's port\\.$`),
      );
      expect(await sql(`SELECT id FROM deployments WHERE node_id = $1`, [node.id])).toEqual([]);
    } finally {
      await sql(`DELETE FROM address_entries WHERE id = $1`, [entry!.id]);
      await sql(`DELETE FROM nodes WHERE id = $1`, [node.id]);
    }
  });
});
