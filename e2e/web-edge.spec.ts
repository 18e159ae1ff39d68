import { expect, test, type Page } from "@playwright/test";
import { createNode, createUser, insertBanEvent, PASSWORD, sql } from "./db";
import { E2E_BASE_URL } from "./env";

// The web edge as a browser meets it: where sign-in may send you, and the headers every page carries.

const origin = new URL(E2E_BASE_URL).origin;

/** Hostile post-sign-in targets, written as an attacker puts them in a link (already URL-encoded). */
const HOSTILE_CALLBACKS = [
  "/%09/evil.example/",
  "/%0A/evil.example/",
  "/%0D/evil.example/",
  "//evil.example/",
  "/%5Cevil.example/",
  "/\\evil.example/",
  "https://evil.example/",
  encodeURIComponent("https://evil.example/"),
  "/.//evil.example/",
];

/** Records every request that leaves the e2e server's origin, and aborts it. */
async function trapForeignRequests(page: Page): Promise<string[]> {
  const foreign: string[] = [];
  await page.context().route(
    (url) => url.origin !== origin,
    (route) => {
      foreign.push(route.request().url());
      return route.abort();
    },
  );
  return foreign;
}

async function collectCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = list;
    document.addEventListener("securitypolicyviolation", (event) => list.push(`${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber} on ${location.pathname}`));
  });
  return () => page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}

test.describe("post-sign-in redirect", () => {
  for (const callback of HOSTILE_CALLBACKS) {
    test(`callbackUrl=${callback} stays on this origin`, async ({ browser }) => {
      const user = await createUser("VIEWER");
      const context = await browser.newContext();
      const page = await context.newPage();
      const foreign = await trapForeignRequests(page);
      await page.goto(`/login?callbackUrl=${callback}`);
      await page.getByLabel("E-mail").fill(user.email);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
      expect(new URL(page.url()).origin).toBe(origin);
      expect(new URL(page.url()).pathname).toBe("/");
      expect(foreign).toEqual([]);
      await context.close();
    });
  }

  test("a safe callbackUrl is still followed", async ({ page }) => {
    const user = await createUser("ADMIN");
    await page.goto("/audit");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faudit$/);
    await page.getByLabel("E-mail").fill(user.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${origin}/audit`);
  });

  test("a signed-in visit of /login with a hostile callbackUrl is a redirect home, never a 500", async ({ page }) => {
    const user = await createUser("VIEWER");
    await page.goto("/login");
    await page.getByLabel("E-mail").fill(user.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    for (const callback of [...HOSTILE_CALLBACKS, "/%0A/x", "/%00/x"]) {
      const response = await page.request.get(`/login?callbackUrl=${callback}`, { maxRedirects: 0 });
      expect(response.status(), callback).toBeLessThan(400);
      expect(response.status(), callback).toBeGreaterThanOrEqual(300);
      const location = response.headers()["location"] ?? "";
      expect(new URL(location, origin).origin, callback).toBe(origin);
      expect(new URL(location, origin).pathname, callback).toBe("/");
    }
  });
});

test.describe("security headers", () => {
  test("the sign-in page and dashboard pages carry a nonce CSP, render and hydrate without a violation", async ({ page }) => {
    const violations = await collectCspViolations(page);
    const login = await page.goto("/login");
    const policy = login?.headers()["content-security-policy"] ?? "";
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'self'");
    expect(policy).not.toContain("unsafe-eval");
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
    // Every script Next.js wrote into the page carries this response's nonce.
    const scripts = await page.locator("script").evaluateAll((nodes) => nodes.map((node) => (node as HTMLScriptElement).nonce));
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.every((value) => value === nonce)).toBe(true);

    // Signing in needs the hydrated form (it calls next-auth's client); Overview's ban charts need Recharts.
    const node = await createNode("csp");
    await insertBanEvent({ nodeId: node.id, address: "203.0.113.77", bannedAt: new Date(Date.now() - 60_000) });
    const user = await createUser("ADMIN");
    await page.getByLabel("E-mail").fill(user.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await expect(page.locator('[data-chart="bans-per-hour"] .recharts-wrapper > svg.recharts-surface')).toBeVisible();
    await page.getByRole("link", { name: "Users" }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
    expect(await violations()).toEqual([]);

    const second = await page.request.get("/users");
    const secondNonce = /'nonce-([^']+)'/.exec(second.headers()["content-security-policy"] ?? "")?.[1];
    expect(secondNonce).toBeTruthy();
    expect(secondNonce).not.toBe(nonce);
  });

  test("authenticated pages and API answers are not stored, nothing names the framework, no HSTS over HTTP", async ({ page }) => {
    const user = await createUser("ADMIN");
    await page.goto("/login");
    await page.getByLabel("E-mail").fill(user.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    const responses = [
      await page.request.get("/users"),
      await page.request.get("/api/v1/users"),
      await page.request.get("/api/v1/tokens?limit=abc"),
      await page.request.get("/api/v1/status", { headers: { Authorization: "Bearer rmp_not-a-token" } }),
    ];
    for (const response of responses) {
      const headers = response.headers();
      expect(headers["cache-control"], response.url()).toContain("no-store");
      expect(headers["x-powered-by"], response.url()).toBeUndefined();
      expect(Object.keys(headers).filter((name) => name.startsWith("x-nextjs") || name === "server"), response.url()).toEqual([]);
      expect(headers["strict-transport-security"], response.url()).toBeUndefined();
    }
    expect(responses.map((r) => r.status())).toEqual([200, 200, 422, 401]);
  });
});

test.describe("API tokens belong to their owner", () => {
  test("the Users page shows a token's owner, last use and address; disabling the owner refuses it at once", async ({ page, request }) => {
    const owner = await createUser("ADMIN");
    await page.goto("/login");
    await page.getByLabel("E-mail").fill(owner.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();

    const name = `e2e-owned-${Date.now()}`;
    const created = await page.request.post("/api/v1/tokens", { data: { name, role: "VIEWER" }, headers: { Origin: origin } });
    expect(created.status()).toBe(201);
    const { token, expiresAt, createdBy } = (await created.json()) as { token: string; expiresAt: string; createdBy: string };
    expect(createdBy).toBe(owner.email);
    // No expiry asked for: the default lifetime (90 days).
    expect(Math.abs(new Date(expiresAt).getTime() - (Date.now() + 90 * 86_400_000))).toBeLessThan(5 * 60_000);

    const auth = { Authorization: `Bearer ${token}` };
    expect((await request.get("/api/v1/status", { headers: auth })).status()).toBe(200);
    await page.goto("/users");
    const row = page.getByRole("row").filter({ hasText: name });
    await expect(row).toContainText(`by ${owner.email}`);
    await expect(row).toContainText("from 127.0.0.1");
    await expect(page.getByText(/Every token expires, after at most 90 days/)).toBeVisible();

    await sql(`UPDATE users SET disabled = true WHERE id = $1`, [owner.id]);
    expect((await request.get("/api/v1/status", { headers: auth })).status()).toBe(401);
  });
});

