import { randomInt } from "node:crypto";
import { expect, test } from "@playwright/test";

import type { NodeObservation } from "../lib/observe/snapshot";
import { createNode, createUser, insertBanEvent, insertSnapshot } from "./db";
import { signInAndWait } from "./helpers";
import { seedTenant } from "./tenant-helpers";

// The Overview and the Node page's live state, from seeded node_snapshots and ban_events (the rows the collector
// writes): health cards for a reachable and an unreachable node, the ban and traffic charts, top offenders, and
// what a tenant administrator sees instead.

const VERSION = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

function observation(packets: number, at: Date, banned: string): NodeObservation {
  const count = (n: number) => ({ packets: n, bytes: n * 400 });
  return {
    format: 1,
    nodeTime: at.toISOString(),
    pollMs: 120,
    runningVersion: VERSION,
    drift: { digest: "d1", confirmedDigest: "d1", drifted: false },
    isFail2banUp: true,
    jails: [
      {
        jail: "rampart-asterisk",
        currentlyFailed: 2,
        totalFailed: 40,
        currentlyBanned: 1,
        totalBanned: 3,
        bans: [{ address: banned, family: 4, bannedAt: new Date(at.getTime() - 60_000).toISOString(), expiresAt: new Date(at.getTime() + 1_800_000).toISOString(), isPermanent: false }],
      },
    ],
    rateTable: [
      { address: "198.18.7.66", family: 4, tokensLeftPercent: 3.5, isNearLimit: true, expiresInSeconds: 9 },
      { address: "198.18.7.10", family: 4, tokensLeftPercent: 96, isNearLimit: false, expiresInSeconds: 4 },
    ],
    recent: [],
    counters: {
      sip: count(packets),
      blocklist: count(packets / 10),
      banned: count(packets / 5),
      geoip: count(packets / 20),
      scanner: count(packets / 50),
      rateLimit: count(packets / 25),
      rateLimitBy: { register: count(packets / 50), invite: count(0), packetRate: count(packets / 50) },
    },
    registrations: [],
    rejectedLines: {},
  };
}

const octet = () => randomInt(1, 254);

test.describe("Overview", () => {
  test("shows health cards, an unreachable node with its data age, ban charts, offenders and traffic", async ({ page }) => {
    const now = Date.now();
    const up = await createNode("obs-up");
    const down = await createNode("obs-down");
    const attacker = `203.0.${octet()}.${octet()}`;
    // Two reachable polls of "up" (counters rise: rates), one of "down" 10 minutes ago then a failed poll.
    await insertSnapshot({ nodeId: up.id, takenAt: new Date(now - 75_000), isReachable: true, data: observation(3_000, new Date(now - 75_000), attacker) });
    await insertSnapshot({ nodeId: up.id, takenAt: new Date(now - 15_000), isReachable: true, data: observation(9_000, new Date(now - 15_000), attacker) });
    await insertSnapshot({ nodeId: down.id, takenAt: new Date(now - 600_000), isReachable: true, data: observation(100, new Date(now - 600_000), attacker) });
    await insertSnapshot({ nodeId: down.id, takenAt: new Date(now - 10_000), isReachable: false, error: "connect ECONNREFUSED 192.0.2.10:22" });
    for (let i = 0; i < 4; i++) await insertBanEvent({ nodeId: up.id, address: attacker, country: "NL", bannedAt: new Date(now - i * 3_600_000 - 60_000), unbannedAt: i > 0 ? new Date(now - i * 3_600_000) : null });
    await insertBanEvent({ nodeId: down.id, address: attacker, country: "NL", bannedAt: new Date(now - 2 * 86_400_000) });

    const admin = await createUser("ADMIN");
    await signInAndWait(page, admin.email);

    const upCard = page.locator(`[data-node="${up.name}"]`);
    await expect(upCard).toContainText("Reachable");
    await expect(upCard.getByLabel(`version ${VERSION}`)).toHaveText(VERSION.slice(0, 12));
    await expect(upCard).toContainText("In sync");
    await expect(upCard).toContainText("Current bans1");

    const downCard = page.locator(`[data-node="${down.name}"]`);
    await expect(downCard.getByText("Unreachable", { exact: true })).toBeVisible();
    const downAlert = downCard.getByRole("alert");
    await expect(downAlert).toContainText(/showing the last known data from .* \(10 min ago\)/);
    await expect(downAlert).toContainText("ECONNREFUSED");
    await expect(upCard.getByRole("alert")).toHaveCount(0);

    // Charts render (Recharts draws an SVG) and state their totals for screen readers.
    await expect(page.locator('[data-chart="bans-per-hour"] .recharts-wrapper > svg.recharts-surface')).toBeVisible();
    await expect(page.locator('[data-chart="bans-per-day"] .recharts-wrapper > svg.recharts-surface')).toBeVisible();
    await expect(page.locator('[data-chart="sip-rate"] .recharts-wrapper > svg.recharts-surface')).toBeVisible();
    await expect(page.locator('[data-chart="drop-rates"] .recharts-wrapper > svg.recharts-surface')).toBeVisible();
    await expect(page.getByRole("img", { name: /Bans per hour over the last 24 hours: \d+ in total/ })).toBeVisible();

    // Top offenders: the seeded address with its 4 bans in 24 hours, and its country.
    const offenders = page.getByRole("region", { name: "Top offending addresses (24 hours)" });
    await expect(offenders.getByRole("row", { name: new RegExp(`${attacker.replaceAll(".", "\\.")}\\s+NL\\s+4\\s+1`) })).toBeVisible();
    await expect(page.getByRole("region", { name: "Top offending countries (24 hours)" })).toContainText("Netherlands (NL)");

    // Current rates: 6,000 packets in 60 s on "up".
    await expect(page.getByLabel("Current packet rates, all nodes")).toContainText("100 pkt/s");
    await expect(page.getByTestId("live-refresh")).toContainText("Live: updates every");
  });

  test("the Node page shows jails with time left, the rate table with sources about to be limited, and counters", async ({ page }) => {
    const now = Date.now();
    const node = await createNode("obs-node");
    const banned = `198.51.${octet()}.${octet()}`;
    await insertSnapshot({ nodeId: node.id, takenAt: new Date(now - 70_000), isReachable: true, data: observation(1_000, new Date(now - 70_000), banned) });
    await insertSnapshot({ nodeId: node.id, takenAt: new Date(now - 10_000), isReachable: true, data: observation(4_000, new Date(now - 10_000), banned) });
    const admin = await createUser("ADMIN");
    await signInAndWait(page, admin.email);
    await page.goto(`/nodes/${node.name}`);

    const live = page.getByTestId("node-observation");
    await expect(live.getByRole("region", { name: "Jail rampart-asterisk: 1 banned" }).getByRole("row", { name: new RegExp(banned.replaceAll(".", "\\.")) })).toContainText(/\d+ min/);
    const near = live.locator('tr[data-address="198.18.7.66"]');
    await expect(near).toContainText("About to be limited");
    await expect(near).toHaveAttribute("data-near-limit", "true");
    await expect(live.locator('tr[data-address="198.18.7.10"]')).not.toContainText("About to be limited");
    await expect(live.locator('tr[data-counter="sip"]')).toContainText("4,000");
    await expect(live.locator('tr[data-counter="sip"]')).toContainText("50 pkt/s");
  });

  test("an unreachable node's page says since when, with the last known data and its age", async ({ page }) => {
    const now = Date.now();
    const node = await createNode("obs-gone");
    await insertSnapshot({ nodeId: node.id, takenAt: new Date(now - 1_200_000), isReachable: true, data: observation(10, new Date(now - 1_200_000), "192.0.2.99") });
    await insertSnapshot({ nodeId: node.id, takenAt: new Date(now - 5_000), isReachable: false, error: "timed out after 10 s" });
    const admin = await createUser("VIEWER");
    await signInAndWait(page, admin.email);
    await page.goto(`/nodes/${node.name}`);
    const alert = page.getByTestId("node-observation").getByRole("alert");
    await expect(alert).toContainText("Unreachable since");
    await expect(alert).toContainText("timed out after 10 s");
    await expect(alert).toContainText("the last known data, 20 min old");
    await expect(page.getByTestId("node-observation").locator('tr[data-address="192.0.2.99"]')).toBeVisible();
  });

  test("a tenant administrator gets their own bans summary, not the cluster view", async ({ page }) => {
    const tenant = await seedTenant("obs");
    const node = await createNode("obs-tenant");
    const [entry] = await (await import("./db")).sql<{ network: string }>(`SELECT host(network) AS network FROM address_entries WHERE id = $1`, [tenant.entryId]);
    const inside = entry!.network.replace(/\.0$/, ".77");
    await insertBanEvent({ nodeId: node.id, address: inside, country: "DE" });
    const user = await createUser("TENANT_ADMIN", tenant.id);
    await signInAndWait(page, user.email);
    await expect(page.getByTestId("tenant-banned-now")).toHaveText("1");
    await expect(page.getByRole("heading", { name: "Node health" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Review and lift bans" })).toHaveAttribute("href", "/bans");
  });
});
