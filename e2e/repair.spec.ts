import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";

import type { NodeObservation } from "../lib/observe/snapshot";
import { hashArtefacts } from "../lib/rules/hash";
import { createNode, createUser, insertSnapshot, sql } from "./db";
import { E2E_BASE_URL } from "./env";
import { signInAndWait } from "./helpers";

// Repair of a drifted node: the Node page shows the drift the collector reported (a seeded node_snapshots row)
// with a Repair button for roles that push; confirming re-applies the node's confirmed version (its seeded
// CONFIRMED deployment) and opens the push's live page. The same through POST /api/v1/nodes/{id}/repair. The
// nodes have no key, so each push ends FAILED without a connection; what is asserted is what was pushed.

/** A stored version whose artefacts check out against its hash (as loadStoredVersion re-checks). */
async function insertVersion(): Promise<string> {
  const rest = { "iptables.restore": `# e2e repair ${randomUUID()}\n` };
  const hash = hashArtefacts(rest);
  const files = { "iptables.restore": rest["iptables.restore"], "manifest.json": JSON.stringify({ version: hash }) };
  await sql(`INSERT INTO ruleset_versions (hash, author, policy, manifest, artefacts) VALUES ($1, 'e2e', '{}'::jsonb, $2::jsonb, $3)`, [
    hash,
    JSON.stringify({ version: hash }),
    gzipSync(JSON.stringify(files)),
  ]);
  return hash;
}

async function insertConfirmed(nodeId: string, hash: string): Promise<void> {
  await sql(
    `INSERT INTO deployments (batch_id, node_id, ruleset_id, state, progress, requested_by, finished_at)
     SELECT gen_random_uuid(), $1, id, 'CONFIRMED', 100, 'e2e', now() FROM ruleset_versions WHERE hash = $2`,
    [nodeId, hash],
  );
}

/** A reachable poll reporting drift against `hash` (or none). */
async function insertDrift(nodeId: string, hash: string, drifted: boolean): Promise<string> {
  const message = drifted
    ? `Running state does not match confirmed version ${hash.slice(0, 12)}: Rampart's chains or sets were changed outside Rampart. Push again to restore them.`
    : `Running state matches confirmed version ${hash.slice(0, 12)}.`;
  const none = { packets: 0, bytes: 0 };
  const data: NodeObservation = {
    format: 1,
    nodeTime: new Date().toISOString(),
    pollMs: 80,
    runningVersion: hash,
    drift: { digest: "d2", confirmedDigest: drifted ? "d1" : "d2", drifted, message },
    isFail2banUp: true,
    jails: [],
    rateTable: [],
    recent: [],
    counters: { sip: none, blocklist: none, banned: none, geoip: none, scanner: none, rateLimit: none, rateLimitBy: { register: none, invite: none, packetRate: none } },
    registrations: [],
    rejectedLines: {},
  };
  await insertSnapshot({ nodeId, takenAt: new Date(), isReachable: true, data });
  return message;
}

async function deploymentHashes(nodeId: string): Promise<{ batch_id: string; hash: string; state: string }[]> {
  return sql(
    `SELECT d.batch_id::text, r.hash, d.state::text FROM deployments d JOIN ruleset_versions r ON r.id = d.ruleset_id WHERE d.node_id = $1 ORDER BY d.created_at`,
    [nodeId],
  );
}

test.describe("repair a drifted node", () => {
  test("an operator re-applies the confirmed version from the Node page and follows the push; a viewer sees no button", async ({ page, browser }) => {
    const node = await createNode("drifted");
    const hash = await insertVersion();
    await insertConfirmed(node.id, hash);
    const drift = await insertDrift(node.id, hash, true);

    const operator = await createUser("OPERATOR");
    await signInAndWait(page, operator.email);
    await page.goto(`/nodes/${node.name}`);
    const section = page.getByRole("region", { name: "Drift", exact: true });
    await expect(section).toContainText("Drifted: Rampart's chains or sets on the node differ from the version it confirmed.");
    await expect(section).toContainText(drift);

    await section.getByRole("button", { name: `Repair ${node.name}` }).click();
    const dialog = page.getByRole("alertdialog", { name: `Repair ${node.name}?` });
    await expect(dialog).toContainText(
      `Re-apply version ${hash.slice(0, 12)} to ${node.name}? Rampart's chains and sets on the node are replaced by the confirmed version; the node rolls back by itself if the panel cannot confirm.`,
    );
    await dialog.getByRole("button", { name: "Re-apply version" }).click();

    await expect(page).toHaveURL(/\/nodes\/pushes\/[0-9a-f-]{36}$/);
    const batchId = page.url().split("/").pop()!;
    await expect(page.getByRole("heading", { level: 1, name: "Push" })).toBeVisible();
    await expect(page.getByRole("row", { name: new RegExp(node.name) })).toContainText(hash.slice(0, 12));
    // The node has no key: the push fails before any connection, and the page says so once it is final.
    await expect(page.getByText(/^Finished/)).toBeVisible();

    const rows = await deploymentHashes(node.id);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ batch_id: batchId, hash, state: "FAILED" });
    const [audit] = await sql<{ actor_label: string; after: { batchId: string; version: string; force: boolean } }>(
      `SELECT actor_label, after FROM audit_log WHERE action = 'node.repair' AND object_id = $1`,
      [node.id],
    );
    expect(audit).toMatchObject({ actor_label: operator.email, after: { batchId, version: hash, force: false } });

    const viewerContext = await browser.newContext();
    try {
      const viewerPage = await viewerContext.newPage();
      const viewer = await createUser("VIEWER");
      await signInAndWait(viewerPage, viewer.email);
      await viewerPage.goto(`/nodes/${node.name}`);
      await expect(viewerPage.getByRole("region", { name: "Drift", exact: true })).toContainText(drift);
      await expect(viewerPage.getByRole("button", { name: /^Repair/ })).toHaveCount(0);
    } finally {
      await viewerContext.close();
    }
  });

  test("a node in sync shows no Repair button; the API refuses it unless forced, validates the body and needs deploy", async ({ page, browser }) => {
    const node = await createNode("in-sync");
    const hash = await insertVersion();
    await insertConfirmed(node.id, hash);
    await insertDrift(node.id, hash, false);

    const admin = await createUser("ADMIN");
    await signInAndWait(page, admin.email);
    await page.goto(`/nodes/${node.name}`);
    await expect(page.getByRole("heading", { level: 1, name: node.name })).toBeVisible();
    await expect(page.getByRole("region", { name: "Drift", exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name: `Repair ${node.name}` })).toHaveCount(0);

    const repair = (data?: unknown) => page.request.post(`/api/v1/nodes/${node.id}/repair`, { headers: { Origin: E2E_BASE_URL }, ...(data === undefined ? {} : { data }) });
    const refused = await repair();
    expect(refused.status()).toBe(409);
    expect(await refused.json()).toEqual({ error: `Node ${node.name} runs its confirmed version; nothing to repair.` });

    const invalid = await repair({ force: true, timerSeconds: 5 });
    expect(invalid.status()).toBe(422);
    expect(((await invalid.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors).toEqual({ timerSeconds: ["Rollback timer must be a whole number from 10 to 600."] });
    expect(await deploymentHashes(node.id)).toHaveLength(1);

    const started = await repair({ force: true, timerSeconds: 30 });
    expect(started.status()).toBe(202);
    const { batchId } = (await started.json()) as { batchId: string };
    expect(started.headers().location).toBe(`/api/v1/pushes/${batchId}`);
    const follow = await page.request.get(`/api/v1/pushes/${batchId}`);
    expect(((await follow.json()) as { deployments: { nodeName: string; rulesetHash: string }[] }).deployments).toEqual([
      expect.objectContaining({ nodeName: node.name, rulesetHash: hash }),
    ]);

    const unknown = await page.request.post(`/api/v1/nodes/${randomUUID()}/repair`, { headers: { Origin: E2E_BASE_URL } });
    expect(unknown.status()).toBe(404);

    const viewerContext = await browser.newContext();
    try {
      const viewerPage = await viewerContext.newPage();
      const viewer = await createUser("VIEWER");
      await signInAndWait(viewerPage, viewer.email);
      const forbidden = await viewerPage.request.post(`/api/v1/nodes/${node.id}/repair`, { headers: { Origin: E2E_BASE_URL }, data: { force: true } });
      expect(forbidden.status()).toBe(403);
    } finally {
      await viewerContext.close();
    }
    expect(await deploymentHashes(node.id)).toHaveLength(2);
  });
});
