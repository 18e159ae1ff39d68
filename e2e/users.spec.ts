import { createHash, randomBytes, randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createTenant, createUser, sql } from "./db";
import { signIn, signInAndWait } from "./helpers";

// Users and API tokens: what an administrator sees, and what the database (users, api_tokens, audit_log)
// holds afterwards.

const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 12)}@rampart.test`;

async function signInAsAdmin(page: Page): Promise<{ id: string; email: string }> {
  const admin = await createUser("ADMIN");
  await signInAndWait(page, admin.email);
  return admin;
}

async function findUser(page: Page, text: string): Promise<void> {
  const search = page.getByRole("search", { name: "Find users" });
  await search.getByLabel("Find a user").fill(text);
  await search.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/[?&]q=/);
}

async function auditActions(objectId: string): Promise<string[]> {
  const rows = await sql<{ action: string }>(`SELECT action FROM audit_log WHERE object_id = $1 ORDER BY id`, [objectId]);
  return rows.map((r) => r.action);
}

test.describe("users", () => {
  test("an administrator creates a user whose one-time password signs in", async ({ page, browser }) => {
    const admin = await signInAsAdmin(page);
    await page.goto("/users");
    await page.getByRole("link", { name: "Add user" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Add user" })).toBeVisible();

    const email = uniqueEmail("new-viewer");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Name").fill("Vera Viewer");
    await page.getByLabel("Role").selectOption({ label: "Viewer" });
    await expect(page.getByLabel("Tenant")).toHaveCount(0);
    await page.getByRole("button", { name: "Create user" }).click();

    await expect(page.getByRole("status").filter({ hasText: "was created" })).toContainText(email);
    await expect(page.getByText("It is shown only this once")).toBeVisible();
    const password = await page.getByLabel("Initial password").inputValue();
    expect(password).toHaveLength(24);

    const [row] = await sql<{ id: string; role: string; name: string; password_hash: string }>(
      `SELECT id, role, name, password_hash FROM users WHERE email = $1`,
      [email],
    );
    expect(row).toMatchObject({ role: "VIEWER", name: "Vera Viewer" });
    expect(row!.password_hash).not.toContain(password);
    const [audit] = await sql<{ action: string; actor_label: string; after: Record<string, unknown> }>(
      `SELECT action, actor_label, after FROM audit_log WHERE object_id = $1`,
      [row!.id],
    );
    expect(audit).toMatchObject({ action: "user.create", actor_label: admin.email, after: { email, role: "VIEWER" } });

    // The new user signs in with the password shown once, in a browser of their own.
    const context = await browser.newContext();
    const userPage = await context.newPage();
    await signIn(userPage, email, password);
    await expect(userPage.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await context.close();

    // The list finds the new user.
    await page.goto("/users");
    await findUser(page, email.slice(0, 20).toUpperCase());
    const listed = page.getByRole("row").filter({ hasText: email });
    await expect(listed).toContainText("Viewer");
    await expect(listed).toContainText("Active");
  });

  test("refuses an invalid e-mail, a taken e-mail and a tenant administrator without a tenant, and stores nothing", async ({ page }) => {
    await signInAsAdmin(page);
    const existing = await createUser("OPERATOR");
    await createTenant();
    const [{ count: before }] = (await sql<{ count: string }>(`SELECT count(*) FROM users`)) as [{ count: string }];
    await page.goto("/users/new");

    await page.getByLabel("E-mail").fill("not-an-email");
    await page.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByText("Enter a valid e-mail address.")).toBeVisible();
    await expect(page.getByLabel("E-mail")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("E-mail")).toHaveValue("not-an-email");

    await page.getByLabel("E-mail").fill(existing.email.toUpperCase());
    await page.getByLabel("Role").selectOption({ label: "Administrator" });
    await page.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByText(`A user with the e-mail ${existing.email} already exists.`)).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "Check the highlighted fields." })).toBeVisible();

    await page.getByLabel("E-mail").fill(uniqueEmail("tenant-admin"));
    await page.getByLabel("Role").selectOption({ label: "Tenant administrator" });
    await expect(page.getByLabel("Tenant")).toBeVisible();
    await page.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByText("A tenant administrator needs a tenant; other roles must not have one.")).toBeVisible();

    const [{ count: after }] = (await sql<{ count: string }>(`SELECT count(*) FROM users`)) as [{ count: string }];
    expect(after).toBe(before);
    const [kept] = await sql<{ role: string }>(`SELECT role FROM users WHERE email = $1`, [existing.email]);
    expect(kept?.role).toBe("OPERATOR");
  });

  test("changes a user's role and tenant", async ({ page }) => {
    const admin = await signInAsAdmin(page);
    const target = await createUser("VIEWER");
    const tenant = await createTenant();
    await page.goto(`/users/${target.id}`);
    await expect(page.getByRole("heading", { level: 1, name: target.email })).toBeVisible();
    await page.getByLabel("Role").selectOption({ label: "Tenant administrator" });
    await page.getByLabel("Tenant").selectOption({ label: tenant.name });
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

    const [row] = await sql<{ role: string; tenant_id: string }>(`SELECT role, tenant_id FROM users WHERE id = $1`, [target.id]);
    expect(row).toEqual({ role: "TENANT_ADMIN", tenant_id: tenant.id });
    const [audit] = await sql<{ actor_label: string; before: Record<string, unknown>; after: Record<string, unknown> }>(
      `SELECT actor_label, before, after FROM audit_log WHERE object_id = $1 AND action = 'user.update'`,
      [target.id],
    );
    expect(audit).toMatchObject({ actor_label: admin.email, before: { role: "VIEWER", tenantId: null }, after: { role: "TENANT_ADMIN", tenantId: tenant.id } });
  });

  test("disables a user after confirmation, which ends their session at once", async ({ page, browser }) => {
    await signInAsAdmin(page);
    const target = await createUser("OPERATOR");
    const context = await browser.newContext();
    const targetPage = await context.newPage();
    await signInAndWait(targetPage, target.email);

    await page.goto("/users");
    await findUser(page, target.email);
    await page.getByRole("link", { name: target.email }).click();
    await page.getByRole("button", { name: "Disable user" }).click();
    const dialog = page.getByRole("alertdialog", { name: `Disable ${target.email}?` });
    await expect(dialog).toBeVisible();
    // Cancel first: nothing changes.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect((await sql<{ disabled: boolean }>(`SELECT disabled FROM users WHERE id = $1`, [target.id]))[0]?.disabled).toBe(false);

    await page.getByRole("button", { name: "Disable user" }).click();
    await dialog.getByRole("button", { name: "Disable user" }).click();
    await expect(page.getByRole("status").filter({ hasText: "The user is disabled" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Enable user" })).toBeVisible();

    expect((await sql<{ disabled: boolean }>(`SELECT disabled FROM users WHERE id = $1`, [target.id]))[0]?.disabled).toBe(true);
    expect(await sql(`SELECT 1 FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL`, [target.id])).toHaveLength(0);
    expect(await auditActions(target.id)).toEqual(["user.disable"]);

    await targetPage.goto("/firewall/blocklist");
    await expect(targetPage).toHaveURL(/\/login/);
    await context.close();
  });

  test("resets a password: the new one is shown once and works, the old one does not", async ({ page, browser }) => {
    await signInAsAdmin(page);
    const target = await createUser("VIEWER");
    await page.goto(`/users/${target.id}`);
    await page.getByRole("button", { name: "Reset password" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Reset password" }).click();
    const password = await page.getByLabel("New password").inputValue();
    expect(password).toHaveLength(24);
    expect(await auditActions(target.id)).toEqual(["user.reset-password"]);

    const context = await browser.newContext();
    const userPage = await context.newPage();
    await signIn(userPage, target.email);
    await expect(userPage.getByText("Wrong e-mail or password.")).toBeVisible();
    await signIn(userPage, target.email, password);
    await expect(userPage.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await context.close();
  });

  test("an administrator cannot disable, demote or reset their own account", async ({ page }) => {
    const admin = await signInAsAdmin(page);
    await page.goto(`/users/${admin.id}`);
    await expect(page.getByText("This is your own account. Another administrator can disable it")).toBeVisible();
    await expect(page.getByRole("button", { name: "Disable user" })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Reset password" })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Delete user" })).toBeDisabled();
    await expect(page.getByLabel("Role")).toBeDisabled();
    await expect(page.getByText("This is your account: another administrator can change your role.")).toBeVisible();
    // Renaming oneself still works.
    await page.getByLabel("Name").fill("Me Myself");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    const [row] = await sql<{ role: string; disabled: boolean; name: string }>(`SELECT role, disabled, name FROM users WHERE id = $1`, [admin.id]);
    expect(row).toEqual({ role: "ADMIN", disabled: false, name: "Me Myself" });
  });

  test("deletes a user after confirmation", async ({ page }) => {
    await signInAsAdmin(page);
    const target = await createUser("VIEWER");
    await page.goto(`/users/${target.id}`);
    await page.getByRole("button", { name: "Delete user" }).click();
    await page.getByRole("alertdialog", { name: `Delete ${target.email}?` }).getByRole("button", { name: "Delete user" }).click();
    await expect(page).toHaveURL(/\/users$/);
    await expect(page.getByRole("link", { name: target.email })).toHaveCount(0);
    expect(await sql(`SELECT 1 FROM users WHERE id = $1`, [target.id])).toHaveLength(0);
    expect(await auditActions(target.id)).toEqual(["user.delete"]);
  });
});

test.describe("API tokens", () => {
  test("a created token is shown once, works against the API, and is refused after revocation", async ({ page, request }) => {
    const admin = await signInAsAdmin(page);
    await page.goto("/users");
    const name = `ci-${randomUUID().slice(0, 8)}`;
    const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Create token" }) });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Role").selectOption({ label: "Viewer" });
    await form.getByLabel("Expires").selectOption({ label: "In 30 days" });
    await form.getByRole("button", { name: "Create token" }).click();

    await expect(page.getByText("Copy this token now")).toBeVisible();
    const token = await page.getByLabel("API token", { exact: true }).inputValue();
    expect(token).toMatch(/^rmp_/);

    const [row] = await sql<{ id: string; token_hash: string; role: string; expires_at: Date; created_by_id: string }>(
      `SELECT id, token_hash, role, expires_at, created_by_id FROM api_tokens WHERE name = $1`,
      [name],
    );
    expect(row).toMatchObject({ role: "VIEWER", created_by_id: admin.id });
    expect(row!.token_hash).not.toBe(token);
    const days = (row!.expires_at.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);

    const authorized = { headers: { Authorization: `Bearer ${token}` } };
    const ok = await request.get("/api/v1/audit?limit=5", authorized);
    expect(ok.status()).toBe(200);
    expect((await ok.json()).items).toEqual(expect.any(Array));
    // A viewer token may read the audit log, not manage users.
    expect((await request.get("/api/v1/users", authorized)).status()).toBe(403);

    await page.getByRole("button", { name: "Done" }).click();
    const tokenRow = page.getByRole("row").filter({ hasText: name });
    await expect(tokenRow).toContainText("Active");
    await expect(tokenRow).toContainText(token.slice(0, 12));
    await tokenRow.getByRole("button", { name: `Revoke token ${name}` }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
    await expect(tokenRow).toContainText("Revoked");

    const refused = await request.get("/api/v1/audit?limit=5", authorized);
    expect(refused.status()).toBe(401);
    expect((await refused.json()).error).toContain("revoked");
    expect((await sql<{ revoked_at: Date | null }>(`SELECT revoked_at FROM api_tokens WHERE id = $1`, [row!.id]))[0]?.revoked_at).not.toBeNull();
    expect(await auditActions(row!.id)).toEqual(["token.create", "token.revoke"]);
    const audit = await sql<{ text: string }>(`SELECT before::text || after::text AS text FROM audit_log WHERE object_id = $1 AND action = 'token.revoke'`, [row!.id]);
    expect(audit[0]?.text).not.toContain(token);
  });

  test("refuses a token without a name, and a tenant token without a tenant, storing nothing", async ({ page }) => {
    await signInAsAdmin(page);
    await page.goto("/users");
    const [{ count: before }] = (await sql<{ count: string }>(`SELECT count(*) FROM api_tokens`)) as [{ count: string }];
    const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Create token" }) });
    await form.getByRole("button", { name: "Create token" }).click();
    await expect(form.getByText("Name is required.")).toBeVisible();

    await createTenant();
    await page.reload();
    await form.getByLabel("Name").fill("tenant-sync");
    await form.getByLabel("Role").selectOption({ label: "Tenant administrator" });
    await form.getByRole("button", { name: "Create token" }).click();
    await expect(form.getByText("A tenant-scoped token needs a tenant; other roles must not have one.")).toBeVisible();
    const [{ count: after }] = (await sql<{ count: string }>(`SELECT count(*) FROM api_tokens`)) as [{ count: string }];
    expect(after).toBe(before);
  });

  test("through the API, an ADMIN token creates tokens and an OPERATOR token cannot create users", async ({ request }) => {
    const adminToken = await seedToken("ADMIN");
    const created = await request.post("/api/v1/tokens", {
      headers: { Authorization: `Bearer ${adminToken}` },
      data: { name: "operator-from-api", role: "OPERATOR" },
    });
    expect(created.status()).toBe(201);
    const body = (await created.json()) as { token: string; id: string; role: string };
    expect(body.role).toBe("OPERATOR");
    expect(await auditActions(body.id)).toEqual(["token.create"]);

    const email = uniqueEmail("api");
    const refused = await request.post("/api/v1/users", { headers: { Authorization: `Bearer ${body.token}` }, data: { email, role: "ADMIN" } });
    expect(refused.status()).toBe(403);
    expect(await sql(`SELECT 1 FROM users WHERE email = $1`, [email])).toHaveLength(0);
  });
});

test.describe("REST API documentation", () => {
  test("the OpenAPI document is public, describes the users, tokens and audit routes, and revalidates", async ({ request }) => {
    const response = await request.get("/api/v1/openapi.json", { maxRedirects: 0 });
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toContain("public");
    const doc = await response.json();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    for (const path of ["/api/v1/users", "/api/v1/tokens/{id}", "/api/v1/audit"]) expect(doc.paths[path], path).toBeDefined();
    const again = await request.get("/api/v1/openapi.json", { headers: { "If-None-Match": response.headers().etag! } });
    expect(again.status()).toBe(304);
  });
});

/** A token of the given role stored directly (the hash of a known secret), for API-only tests. */
async function seedToken(role: "ADMIN" | "OPERATOR" | "VIEWER"): Promise<string> {
  const token = `rmp_${randomBytes(32).toString("base64url")}`;
  await sql(`INSERT INTO api_tokens (name, prefix, token_hash, role) VALUES ($1, $2, $3, $4)`, [
    `e2e-${role.toLowerCase()}`,
    token.slice(0, 12),
    createHash("sha256").update(token).digest("hex"),
    role,
  ]);
  return token;
}
