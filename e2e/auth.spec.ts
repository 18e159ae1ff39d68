import { expect, test } from "@playwright/test";
import { createUser, sql } from "./db";
import { E2E_BASE_URL } from "./env";
import { loginAlert, signIn, signInAndWait } from "./helpers";

test.describe("without a session", () => {
  test("the sign-in page answers 200 and the health check reports the database", async ({ request }) => {
    expect((await request.get("/login")).status()).toBe(200);
    const health = await request.get("/api/health");
    expect(health.status()).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", db: "ok" });
  });

  test("protected pages do not answer 200 and lead to sign-in", async ({ request, page }) => {
    for (const path of ["/", "/users", "/firewall/blocklist", "/settings"]) {
      const response = await request.get(path, { maxRedirects: 0 });
      expect(response.status(), path).not.toBe(200);
    }
    await page.goto("/nodes");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fnodes$/);
  });

  test("a forged session cookie gets past the proxy but not past the page's own check", async ({ page, context }) => {
    await context.addCookies([{ name: "next-auth.session-token", value: "forged", url: E2E_BASE_URL }]);
    await page.goto("/users");
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("heading", { name: "Users" })).toHaveCount(0);
  });
});

test.describe("sign-in", () => {
  test("signs in, shows the dashboard, and signs out for good", async ({ page, browser }) => {
    const user = await createUser("ADMIN");
    await signInAndWait(page, user.email);
    const [session] = await sql<{ id: string; ip: string }>(`SELECT id, host(ip) AS ip FROM auth_sessions WHERE user_id = $1`, [user.id]);
    expect(session?.ip).toBe("127.0.0.1");
    const cookies = await page.context().cookies();

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login/);
    const [revoked] = await sql<{ revoked_at: Date | null }>(`SELECT revoked_at FROM auth_sessions WHERE id = $1`, [session!.id]);
    expect(revoked?.revoked_at).not.toBeNull();

    // The old cookie is still a validly signed JWT, but its session row is revoked.
    const replay = await browser.newContext();
    await replay.addCookies(cookies);
    const replayPage = await replay.newPage();
    await replayPage.goto("/");
    await expect(replayPage).toHaveURL(/\/login/);
    await replay.close();
  });

  test("a wrong password and an unknown account get the same answer", async ({ page }) => {
    const user = await createUser("VIEWER");
    await signIn(page, user.email, "not the password at all");
    await expect(loginAlert(page)).toHaveText("Wrong e-mail or password.");
    await signIn(page, `nobody-${Date.now()}@rampart.test`, "not the password at all");
    await expect(loginAlert(page)).toHaveText("Wrong e-mail or password.");
    const attempts = await sql<{ success: boolean }>(`SELECT success FROM sign_in_attempts WHERE email = $1`, [user.email]);
    expect(attempts).toEqual([{ success: false }]);
    expect(await sql(`SELECT 1 FROM auth_sessions WHERE user_id = $1`, [user.id])).toHaveLength(0);
  });

  test("repeated failures are throttled, even for the right password, with a clear message", async ({ page }) => {
    const user = await createUser("VIEWER");
    for (let i = 0; i < 5; i++) {
      await signIn(page, user.email, `wrong password ${i}`);
      await expect(loginAlert(page)).toHaveText("Wrong e-mail or password.");
    }
    await signIn(page, user.email);
    await expect(loginAlert(page)).toContainText(/Too many failed sign-in attempts\. Try again in 1[45] minutes\./);
    expect(await sql(`SELECT 1 FROM auth_sessions WHERE user_id = $1`, [user.id])).toHaveLength(0);
  });

  test("a disabled account cannot sign in", async ({ page }) => {
    const user = await createUser("VIEWER");
    await sql(`UPDATE users SET disabled = true WHERE id = $1`, [user.id]);
    await signIn(page, user.email);
    await expect(loginAlert(page)).toHaveText("Wrong e-mail or password.");
  });
});

test.describe("sessions follow the database", () => {
  test("disabling a signed-in user ends the session at once", async ({ page }) => {
    const user = await createUser("OPERATOR");
    await signInAndWait(page, user.email);
    await sql(`UPDATE users SET disabled = true WHERE id = $1`, [user.id]);
    await page.goto("/firewall/blocklist");
    await expect(page).toHaveURL(/\/login/);
  });

  test("a role change applies on the next request", async ({ page }) => {
    const user = await createUser("ADMIN");
    await signInAndWait(page, user.email);
    await page.goto("/users");
    await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
    await sql(`UPDATE users SET role = 'VIEWER' WHERE id = $1`, [user.id]);
    await page.goto("/users");
    await expect(page.getByRole("heading", { level: 1, name: "Users" })).toHaveCount(0);
    await expect(page.getByText("You don't have access to this page")).toBeVisible();
  });
});

test.describe("role gates", () => {
  const gated: Array<{ path: string; heading: string; allowed: string[] }> = [
    { path: "/users", heading: "Users", allowed: ["ADMIN"] },
    { path: "/settings", heading: "Settings", allowed: ["ADMIN"] },
    { path: "/firewall/blocklist", heading: "Blocklist", allowed: ["ADMIN", "OPERATOR", "VIEWER"] },
    { path: "/nodes", heading: "Nodes", allowed: ["ADMIN", "OPERATOR", "VIEWER"] },
    { path: "/audit", heading: "Audit log", allowed: ["ADMIN", "OPERATOR", "VIEWER"] },
    { path: "/calls", heading: "Calls", allowed: ["ADMIN", "OPERATOR", "VIEWER", "TENANT_ADMIN"] },
    { path: "/call-limits/blocks", heading: "Blocked extensions", allowed: ["ADMIN", "OPERATOR", "VIEWER", "TENANT_ADMIN"] },
    { path: "/bans", heading: "Bans", allowed: ["ADMIN", "OPERATOR", "VIEWER", "TENANT_ADMIN"] },
  ];

  for (const role of ["ADMIN", "OPERATOR", "VIEWER", "TENANT_ADMIN"] as const) {
    test(`${role} reaches exactly the pages of its role`, async ({ page }) => {
      const user = await createUser(role);
      await signInAndWait(page, user.email);
      const nav = page.getByRole("navigation", { name: "Main" });
      for (const gate of gated) {
        const isAllowed = gate.allowed.includes(role);
        await expect(nav.getByRole("link", { name: gate.heading, exact: true }), `${role} nav ${gate.path}`).toHaveCount(isAllowed ? 1 : 0);
        await page.goto(gate.path);
        if (isAllowed) {
          await expect(page.getByRole("heading", { level: 1, name: gate.heading })).toBeVisible();
        } else {
          await expect(page.getByText("You don't have access to this page")).toBeVisible();
        }
        await page.goto("/");
      }
    });
  }
});

test.describe("server actions", () => {
  test("sign out everywhere ends every session of the account, after confirmation", async ({ page, browser }) => {
    const user = await createUser("VIEWER");
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signInAndWait(otherPage, user.email);
    await signInAndWait(page, user.email);

    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Sign out everywhere?" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/login/);
    expect(await sql(`SELECT 1 FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL`, [user.id])).toHaveLength(0);
    await otherPage.goto("/");
    await expect(otherPage).toHaveURL(/\/login/);
    await other.close();
  });

  test("a cross-origin call of a server action is refused and changes nothing", async ({ page }) => {
    const user = await createUser("VIEWER");
    await signInAndWait(page, user.email);
    // Learn the action's id from a real same-origin call, cancelled before it reaches the server.
    let actionId = "";
    await page.route("**/*", async (route) => {
      const id = route.request().headers()["next-action"];
      if (id) {
        actionId = id;
        await route.abort();
      } else {
        await route.continue();
      }
    });
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Sign out everywhere" }).click();
    await expect.poll(() => actionId).not.toBe("");
    await page.unroute("**/*");

    const response = await page.request.post("/", {
      headers: { "Next-Action": actionId, Origin: "http://attacker.example", "Content-Type": "text/plain;charset=UTF-8" },
      data: "[]",
    });
    expect(response.ok()).toBe(false);
    expect(await sql(`SELECT 1 FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL`, [user.id])).toHaveLength(1);

    // The same request from the app's own origin does take effect: the refusal above was the origin check.
    const sameOrigin = await page.request.post("/", {
      headers: { "Next-Action": actionId, Origin: new URL(page.url()).origin, "Content-Type": "text/plain;charset=UTF-8" },
      data: "[]",
    });
    expect(sameOrigin.ok()).toBe(true);
    expect(await sql(`SELECT 1 FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL`, [user.id])).toHaveLength(0);
  });
});
