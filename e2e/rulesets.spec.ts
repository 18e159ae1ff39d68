import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import type { Manifest } from "../lib/rules/render-manifest";
import { databaseUrl, getTestServerUrl } from "../test/database";
import { agentNode, applyWithAgent, missingPrerequisites, Netns, readRenderedDir } from "../test/rules/netns";
import { createUser } from "./db";
import { E2E_DATABASE } from "./env";
import { signInAndWait } from "./helpers";
import { bearer, createApiToken } from "./tenant-helpers";

// The policy set through the REST API, compiled by `rampart render`, shown on the Rulesets page, and
// accepted by the real tools (ipset, iptables-restore, ip6tables-restore, fail2ban-client -t).

const SETTINGS = ["geoip", "scanners", "rate-limit", "fail2ban"] as const;
let saved: Record<string, unknown> = {};
let token = "";
const blockNet = `198.51.100.${Math.floor(Math.random() * 32) * 8}/29`;

async function putJson(request: APIRequestContext, path: string, body: unknown): Promise<void> {
  const response = await request.put(path, { headers: bearer(token), data: body });
  expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  token = await createApiToken("ADMIN");
  for (const name of SETTINGS) saved[name] = await (await request.get(`/api/v1/settings/${name}`, { headers: bearer(token) })).json();
  await putJson(request, "/api/v1/settings/geoip", { mode: "FULL_SERVER", countries: ["CH", "IT"] });
  const created = await request.post("/api/v1/blocklist", { headers: bearer(token), data: { network: blockNet, comment: "ruleset e2e" } });
  expect(created.status()).toBe(201);
  const v6 = await request.post("/api/v1/blocklist", { headers: bearer(token), data: { network: "2001:db8:bad::/48", comment: "ruleset e2e v6" } });
  expect([201, 409]).toContain(v6.status());
});

test.afterAll(async ({ request }) => {
  for (const name of SETTINGS) {
    const body = saved[name];
    if (body && typeof body === "object") await request.put(`/api/v1/settings/${name}`, { headers: bearer(token), data: body });
  }
  saved = {};
});

test("the Rulesets page shows the rendered artefacts of the current policy and lets them be downloaded", async ({ page }) => {
  const user = await createUser("VIEWER");
  await signInAndWait(page, user.email);
  await page.goto("/rulesets");
  await expect(page.getByRole("heading", { level: 1, name: "Rulesets" })).toBeVisible();
  await expect(page.getByText("FULL_SERVER · 2 countries")).toBeVisible();

  const artefacts = page.getByRole("navigation", { name: "Artefacts" });
  await artefacts.getByRole("link", { name: "ipset.restore" }).click();
  await expect(page.getByLabel("Contents of ipset.restore")).toContainText(`add rampart-bl4-net-new ${blockNet}`);
  await artefacts.getByRole("link", { name: "fail2ban/jail.d/rampart.local" }).click();
  await expect(page.getByLabel("Contents of fail2ban/jail.d/rampart.local")).toContainText("[rampart-asterisk]");

  const href = await page.getByRole("link", { name: /^Download / }).getAttribute("href");
  const download = await page.request.get(href!);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toMatch(/attachment; filename="cluster-[0-9a-f]{12}-fail2ban_jail.d_rampart.local"/);
  expect(await download.text()).toContain("[rampart-asterisk]");
});

test("the API answers the current version and refuses an unknown artefact with 404", async ({ request }) => {
  const summary = await request.get("/api/v1/rulesets/current", { headers: bearer(token) });
  expect(summary.status()).toBe(200);
  const body = (await summary.json()) as { hash: string; files: string[] };
  expect(body.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(body.files).toContain("iptables.rules");
  expect((await request.get("/api/v1/rulesets/current?file=../../etc/passwd", { headers: bearer(token) })).status()).toBe(404);
  expect((await request.get("/api/v1/rulesets/current?node=no-such-node", { headers: bearer(token) })).status()).toBe(404);
});

test("rampart render writes artefacts the real tools accept", async () => {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    // Not root or tools missing: this machine cannot say anything about the real tools.
    if (process.env.RAMPART_REQUIRE_ALL === "1") throw new Error(`missing prerequisites: ${missing.join(", ")}`);
    console.warn(`\n*** rulesets: real-tool check SKIPPED: missing ${missing.join(", ")}\n`);
    return;
  }
  const out = mkdtempSync(join(tmpdir(), "rampart-render-"));
  const cli = spawnSync(process.execPath, ["--import", "tsx", "cli/rampart.ts", "render", "--out", out], {
    env: { ...process.env, DATABASE_URL: databaseUrl(getTestServerUrl(), E2E_DATABASE) },
    encoding: "utf8",
  });
  expect(cli.status, cli.stderr).toBe(0);
  expect(cli.stdout).toMatch(/rendered ruleset [0-9a-f]{64} for cluster/);

  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
  expect(manifest.policy.geoip.countries).toEqual(["CH", "IT"]);
  const ns = Netns.create("rampart-e2e");
  try {
    applyWithAgent(ns, agentNode(), readRenderedDir(out));
    expect(ns.execOk("ipset", ["test", "rampart-bl4-net", blockNet.replace(/\/29$/, "")], undefined)).toBeDefined();
    expect(ns.execOk("iptables", ["-S", "RAMPART-INPUT"])).toMatch(/rampart-geo4/);
  } finally {
    ns.destroy();
  }
  const f2b = mkdtempSync(join(tmpdir(), "rampart-f2b-"));
  spawnSync("cp", ["-r", "/etc/fail2ban/.", f2b]);
  spawnSync("rm", ["-rf", join(f2b, "jail.d")]);
  spawnSync("cp", ["-r", join(out, "fail2ban", "."), f2b]);
  const check = spawnSync("fail2ban-client", ["-c", f2b, "-t"], { encoding: "utf8" });
  expect(check.status, check.stdout + check.stderr).toBe(0);
});
