import { createHash, randomBytes, randomUUID } from "node:crypto";

import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

import { createUser, sql, type Role } from "./db";
import { signInAndWait } from "./helpers";

// Policy settings: scanner signatures, GeoIP (and the platform ports), SIP rate limits, fail2ban — the pages and
// the REST API. The settings are singletons shared by every spec: what this file changes is restored afterwards.

const SINGLETONS = {
  geoip_policy: ["mode", "countries"],
  rate_limit_settings: [
    "enabled", "packets_per_second", "burst", "register_hits", "register_window_seconds", "invite_hits", "invite_window_seconds",
    "sip_ports", "transports", "rtp_port_min", "rtp_port_max",
  ],
  fail2ban_settings: [
    "voip_jail_enabled", "web_jail_enabled", "max_retry", "find_time_seconds", "ban_time_seconds", "recidive_enabled", "recidive_max_retry",
    "recidive_find_time_seconds", "recidive_ban_time_seconds",
  ],
  platform_settings: ["ssh_ports", "web_ports"],
} as const;

const saved = new Map<string, unknown>();
test.beforeAll(async () => {
  for (const table of Object.keys(SINGLETONS)) {
    const [row] = await sql<{ row: unknown }>(`SELECT row_to_json(t) AS row FROM ${table} t WHERE id = 1`);
    saved.set(table, row?.row);
  }
});
test.afterAll(async () => {
  for (const [table, columns] of Object.entries(SINGLETONS)) {
    const assignments = columns.map((c) => `${c} = r.${c}`).join(", ");
    await sql(`UPDATE ${table} t SET ${assignments} FROM json_populate_record(NULL::${table}, $1::json) r WHERE t.id = 1`, [
      JSON.stringify(saved.get(table)),
    ]);
  }
});

async function signedIn(page: Page, role: Role = "ADMIN") {
  const user = await createUser(role);
  await signInAndWait(page, user.email);
  return user;
}

async function auditActions(actorLabel: string): Promise<string[]> {
  const rows = await sql<{ action: string }>(`SELECT action FROM audit_log WHERE actor_label = $1 ORDER BY id`, [actorLabel]);
  return rows.map((r) => r.action);
}

/** An API token inserted directly (only its SHA-256 is stored, as the app does). */
async function createToken(role: Role): Promise<{ token: string; label: string }> {
  const token = `rmp_${randomBytes(32).toString("base64url")}`;
  const name = `settings-e2e-${randomUUID().slice(0, 8)}`;
  await sql(`INSERT INTO api_tokens (name, prefix, token_hash, role) VALUES ($1, $2, $3, $4)`, [
    name,
    token.slice(0, 12),
    createHash("sha256").update(token).digest("hex"),
    role,
  ]);
  return { token, label: `token:${name}` };
}

const uniquePattern = (prefix = "e2e-scan") => `${prefix}-${randomUUID().slice(0, 8)}`;

test.describe("scanner signatures page", () => {
  test("adds, refuses a duplicate and a bad pattern, switches off, edits and deletes", async ({ page }) => {
    const user = await signedIn(page, "OPERATOR");
    const pattern = uniquePattern();
    await page.goto("/firewall/scanners");
    await expect(page.getByRole("heading", { level: 1, name: "Scanners" })).toBeVisible();
    const table = page.getByRole("table", { name: "Scanner signatures" });
    await expect(table.getByRole("row", { name: /friendly-scanner/ })).toBeVisible();

    const form = page.getByRole("form", { name: "Add a signature" });
    await form.getByLabel("Signature", { exact: true }).fill(pattern);
    await form.getByLabel("Comment", { exact: true }).fill("seen in the lab");
    await form.getByRole("button", { name: "Add signature" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Added “${pattern}”.` })).toBeVisible();
    await expect(form.getByLabel("Signature", { exact: true })).toHaveValue("");
    const row = table.getByRole("row", { name: new RegExp(pattern) });
    await expect(row).toContainText("seen in the lab");
    expect(await sql(`SELECT enabled, comment FROM scanner_signatures WHERE pattern = $1`, [pattern])).toEqual([{ enabled: true, comment: "seen in the lab" }]);

    // The same pattern again: refused, said under the field, input kept.
    await form.getByLabel("Signature", { exact: true }).fill(pattern);
    await form.getByRole("button", { name: "Add signature" }).click();
    await expect(form.getByText(`The signature "${pattern}" is already in the list.`)).toBeVisible();
    await expect(form.getByLabel("Signature", { exact: true })).toHaveValue(pattern);
    expect(await sql(`SELECT 1 FROM scanner_signatures WHERE pattern = $1`, [pattern])).toHaveLength(1);

    // Text that could break out of the rendered rule is refused.
    const bad = `${pattern}" -j ACCEPT`;
    await form.getByLabel("Signature", { exact: true }).fill(bad);
    await form.getByRole("button", { name: "Add signature" }).click();
    await expect(form.getByText(/Signature may contain letters, digits, spaces/)).toBeVisible();
    expect(await sql(`SELECT 1 FROM scanner_signatures WHERE pattern = $1`, [bad])).toHaveLength(0);

    // Switch off.
    const toggle = row.getByRole("switch", { name: `Block ${pattern}` });
    await expect(toggle).toHaveAttribute("aria-checked", "true");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-checked", "false");
    expect(await sql(`SELECT enabled FROM scanner_signatures WHERE pattern = $1`, [pattern])).toEqual([{ enabled: false }]);

    // Edit inline; Enter saves.
    const renamed = `${pattern}-v2`;
    await row.getByRole("button", { name: `Edit ${pattern}` }).click();
    await page.getByLabel("Edited signature").fill(renamed);
    await page.getByLabel("Edited signature").press("Enter");
    await expect(page.getByRole("status").filter({ hasText: `Saved “${renamed}”.` })).toBeVisible();
    expect(await sql(`SELECT enabled FROM scanner_signatures WHERE pattern = $1`, [renamed])).toEqual([{ enabled: false }]);

    // Delete, after confirmation; cancelling first keeps it.
    const renamedRow = table.getByRole("row", { name: new RegExp(renamed) });
    await renamedRow.getByRole("button", { name: `Delete ${renamed}` }).click();
    const dialog = page.getByRole("alertdialog", { name: `Delete “${renamed}”?` });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect(await sql(`SELECT 1 FROM scanner_signatures WHERE pattern = $1`, [renamed])).toHaveLength(1);
    await renamedRow.getByRole("button", { name: `Delete ${renamed}` }).click();
    await dialog.getByRole("button", { name: "Delete signature" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Deleted “${renamed}”.` })).toBeVisible();
    await expect(renamedRow).toHaveCount(0);
    expect(await sql(`SELECT 1 FROM scanner_signatures WHERE pattern = $1`, [renamed])).toHaveLength(0);

    expect(await auditActions(user.email)).toEqual(["scanner.create", "scanner.update", "scanner.update", "scanner.delete"]);
  });

  test("a viewer sees the list without the means to change it", async ({ page }) => {
    await signedIn(page, "VIEWER");
    await page.goto("/firewall/scanners");
    await expect(page.getByText("You can view the scanner signatures; changes need the Operator or Administrator role.")).toBeVisible();
    await expect(page.getByRole("form", { name: "Add a signature" })).toHaveCount(0);
    await expect(page.getByRole("switch", { name: "Block friendly-scanner" })).toBeDisabled();
    await expect(page.getByRole("button", { name: /^Delete / })).toHaveCount(0);
  });
});

test.describe("GeoIP page", () => {
  test("refuses a filter without countries, then saves the countries picked by search and keyboard", async ({ page }) => {
    const user = await signedIn(page);
    await sql(`UPDATE geoip_policy SET mode = 'OFF', countries = '{}' WHERE id = 1`);
    await page.goto("/firewall/geoip");
    const form = page.getByRole("form", { name: "GeoIP policy" });
    await expect(form.getByText(/countries shown/)).toBeVisible();

    await form.getByRole("radio", { name: /^Web interface only/ }).check();
    await expect(form.getByText(/Choose at least one allowed country\. A filter with no allowed countries would drop everyone/)).toBeVisible();
    await form.getByRole("button", { name: "Save GeoIP policy" }).click();
    await expect(form.getByRole("alert")).toHaveText("Choose at least one allowed country, or switch the GeoIP filter off.");
    expect(await sql(`SELECT mode, countries FROM geoip_policy`)).toEqual([{ mode: "OFF", countries: [] }]);

    // Search by name, Enter picks the first match; arrows and Space pick another; a click a third.
    const search = form.getByRole("combobox", { name: "Allowed countries" });
    await search.fill("ital");
    await expect(form.getByRole("option", { name: /^Italy IT/ })).toBeVisible();
    await search.press("Enter");
    await expect(form.getByRole("option", { name: /^Italy IT/ })).toHaveAttribute("aria-selected", "true");
    await search.fill("switz");
    await search.press("ArrowDown");
    await search.press(" ");
    await search.fill("de");
    await expect(form.getByRole("option").first()).toHaveAccessibleName(/^Germany DE/);
    await form.getByRole("option", { name: /^Germany DE/ }).click();
    const chips = form.getByRole("list", { name: "Selected countries" }).getByRole("listitem");
    await expect(chips).toHaveText([/Italy/, /Switzerland/, /Germany/]);
    await expect(form.getByText(/3 countries selected: [\d,]+ IPv4 ranges \(.+ addresses\) and [\d,]+ IPv6 ranges\./)).toBeVisible();

    // Remove a chip; Escape clears the search.
    await form.getByRole("button", { name: "Remove Germany" }).click();
    await search.press("Escape");
    await expect(search).toHaveValue("");
    await expect(chips).toHaveCount(2);

    await form.getByRole("button", { name: "Save GeoIP policy" }).click();
    await expect(form.getByRole("status")).toHaveText("Saved. The nodes get the change with the next deployment.");
    expect(await sql(`SELECT mode, countries FROM geoip_policy`)).toEqual([{ mode: "WEB_ONLY", countries: ["CH", "IT"] }]);
    const [audit] = await sql<{ before: unknown; after: unknown }>(
      `SELECT before, after FROM audit_log WHERE actor_label = $1 AND action = 'settings.geoip.update'`,
      [user.email],
    );
    expect(audit).toEqual({ before: { mode: "OFF", countries: [] }, after: { mode: "WEB_ONLY", countries: ["CH", "IT"] } });

    await page.reload();
    await expect(form.getByRole("radio", { name: /^Web interface only/ })).toBeChecked();
    await expect(chips).toHaveText([/Switzerland/, /Italy/]);
  });

  test("saves the SSH and web ports and names a bad port", async ({ page }) => {
    await signedIn(page);
    await page.goto("/firewall/geoip");
    const form = page.getByRole("form", { name: "Platform ports" });
    await form.getByLabel("SSH ports").fill("22, 70000");
    await form.getByLabel("Web ports").fill("443 22");
    await form.getByRole("button", { name: "Save ports" }).click();
    // Both mistakes at once: the bad item, named, and the port given two roles.
    await expect(form.getByText('"70000": Port must be 1 to 65535.')).toBeVisible();
    await expect(form.getByText("Port 22 is listed as both an SSH and a web port; each port has one role.")).toBeVisible();
    await expect(form.getByLabel("SSH ports")).toHaveValue("22, 70000");
    await form.getByLabel("SSH ports").fill("2222,22");
    await form.getByLabel("Web ports").fill("443, 8443");
    await form.getByRole("button", { name: "Save ports" }).click();
    await expect(form.getByRole("status")).toHaveText(/^Saved\./);
    await expect(form.getByLabel("SSH ports")).toHaveValue("22, 2222");
    expect(await sql(`SELECT ssh_ports, web_ports FROM platform_settings`)).toEqual([{ ssh_ports: [22, 2222], web_ports: [443, 8443] }]);
  });
});

test.describe("rate limits page", () => {
  test("keeps the input on a cross-field error, then saves", async ({ page }) => {
    await signedIn(page);
    await page.goto("/firewall/rate-limits");
    const form = page.getByRole("form", { name: "SIP rate limits" });
    await expect(form.getByText("packets/s")).toBeVisible();
    const before = await sql(`SELECT * FROM rate_limit_settings`);

    await form.getByLabel("Packets per second").fill("80");
    await form.getByLabel("RTP ports from").fill("30000");
    await form.getByLabel("RTP ports to").fill("20000");
    await form.getByLabel("Burst", { exact: true }).fill("0x10");
    await form.getByRole("button", { name: "Save rate limits" }).click();
    await expect(form.getByText("The RTP range must start at or below its end.")).toBeVisible();
    await expect(form.getByText("Burst must be a number.")).toBeVisible();
    await expect(form.getByLabel("Packets per second")).toHaveValue("80");
    await expect(form.getByLabel("RTP ports from")).toHaveValue("30000");
    expect(await sql(`SELECT * FROM rate_limit_settings`)).toEqual(before);

    await form.getByLabel("RTP ports to").fill("31000");
    await form.getByLabel("Burst", { exact: true }).fill("160");
    await form.getByLabel("SIP ports").fill("5080, 5060");
    await form.getByLabel("TLS").check();
    await form.getByRole("button", { name: "Save rate limits" }).click();
    await expect(form.getByRole("status")).toHaveText(/^Saved\./);
    await expect(form.getByLabel("SIP ports")).toHaveValue("5060, 5080");
    expect(
      await sql(`SELECT packets_per_second, burst, sip_ports, transports::text[] AS transports, rtp_port_min, rtp_port_max FROM rate_limit_settings`),
    ).toEqual([{ packets_per_second: 80, burst: 160, sip_ports: [5060, 5080], transports: ["UDP", "TCP", "TLS"], rtp_port_min: 30000, rtp_port_max: 31000 }]);
  });
});

test.describe("fail2ban page", () => {
  test("escalates repeat offenders longer, then saves; ban mail is the panel's, not a node action", async ({ page }) => {
    await signedIn(page, "OPERATOR");
    await sql(`UPDATE fail2ban_settings SET web_jail_enabled = true, ban_time_seconds = 3600, recidive_enabled = true, recidive_ban_time_seconds = 604800`);
    await page.goto("/firewall/fail2ban");
    const form = page.getByRole("form", { name: "Fail2ban settings" });
    await expect(form.getByText("Now: 1 hour.")).toBeVisible();

    // The web jail is the PBX's own (FreePBX, UCP, Apache), not the panel's sign-in, which throttles itself.
    await expect(form.getByText(/freepbx_security\.log.*apache2\/error\.log/)).toBeVisible();
    await expect(page.getByText(/sign-in log/)).toHaveCount(0);
    // No sendmail-whois on nodes: no mail fields, a note pointing at the digest settings instead.
    await expect(form.getByLabel("E-mail on every ban")).toHaveCount(0);
    await expect(form.getByLabel("Send ban notices to")).toHaveCount(0);
    await expect(form.getByText("Ban e-mails are sent by the panel (Settings → Notifications), as a digest; nodes need no mail tools.")).toBeVisible();
    await expect(form.getByRole("link", { name: "Settings → Notifications" })).toHaveAttribute("href", "/settings");

    await form.getByLabel("Repeat ban time").fill("1800");
    await form.getByRole("button", { name: "Save fail2ban settings" }).click();
    await expect(form.getByText("Repeat offenders must be banned longer than first offenders.")).toBeVisible();
    expect(await sql(`SELECT recidive_ban_time_seconds FROM fail2ban_settings`)).toEqual([{ recidive_ban_time_seconds: 604800 }]);

    await form.getByLabel("Ban repeat offenders permanently").check();
    await form.getByRole("button", { name: "Save fail2ban settings" }).click();
    await expect(form.getByRole("status")).toHaveText(/^Saved\./);
    await expect(form.getByLabel("Repeat ban time")).toBeDisabled();
    expect(await sql(`SELECT ban_time_seconds, recidive_ban_time_seconds FROM fail2ban_settings`)).toEqual([
      { ban_time_seconds: 3600, recidive_ban_time_seconds: -1 },
    ]);
  });

  test("the ban-mail note leads an administrator to the digest settings", async ({ page }) => {
    await signedIn(page, "ADMIN");
    await page.goto("/firewall/fail2ban");
    await page.getByRole("link", { name: "Settings → Notifications" }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByRole("heading", { name: "Notifications" })).toBeVisible();
  });

  test("a viewer sees every settings form disabled, with a note", async ({ page }) => {
    await signedIn(page, "VIEWER");
    for (const [path, what, field] of [
      ["/firewall/fail2ban", "the fail2ban settings", "Max retry"],
      ["/firewall/rate-limits", "the rate limits", "Packets per second"],
      ["/firewall/geoip", "the GeoIP policy and ports", "SSH ports"],
    ] as const) {
      await page.goto(path);
      await expect(page.getByText(`You can view ${what}; changes need the Operator or Administrator role.`)).toBeVisible();
      await expect(page.getByLabel(field)).toBeDisabled();
      await expect(page.getByRole("button", { name: /^Save/ })).toHaveCount(0);
    }
  });
});

test.describe("settings API", () => {
  async function call(request: APIRequestContext, token: string, method: string, path: string, data?: unknown) {
    const response = await request.fetch(`/api/v1/settings/${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      // Strings are sent byte for byte (raw JSON text, or not JSON at all); objects as JSON.
      data: typeof data === "string" ? Buffer.from(data) : data === undefined ? undefined : Buffer.from(JSON.stringify(data)),
    });
    const text = await response.text();
    return { status: response.status(), body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  }

  test("reads, replaces and patches the settings objects, auditing each change", async ({ request }) => {
    const { token, label } = await createToken("OPERATOR");
    expect((await call(request, token, "PUT", "geoip", { mode: "FULL_SERVER", countries: ["IT", "CH"] })).body).toEqual({
      mode: "FULL_SERVER",
      countries: ["CH", "IT"],
    });
    expect((await call(request, token, "GET", "geoip")).body).toEqual({ mode: "FULL_SERVER", countries: ["CH", "IT"] });
    expect((await call(request, token, "PATCH", "geoip", { mode: "OFF" })).body).toEqual({ mode: "OFF", countries: ["CH", "IT"] });

    const rate = (await call(request, token, "GET", "rate-limit")).body as Record<string, unknown>;
    expect((await call(request, token, "PUT", "rate-limit", { ...rate, packetsPerSecond: 42 })).body).toMatchObject({ packetsPerSecond: 42 });
    expect((await call(request, token, "PATCH", "fail2ban", { maxRetry: 7, recidive: { maxRetry: 4 } })).body).toMatchObject({
      maxRetry: 7,
      recidive: { maxRetry: 4 },
    });
    expect((await call(request, token, "PUT", "ports", { sshPorts: [22], webPorts: [443] })).status).toBe(200);
    expect(await sql(`SELECT packets_per_second FROM rate_limit_settings`)).toEqual([{ packets_per_second: 42 }]);

    expect(await auditActions(label)).toEqual([
      "settings.geoip.update",
      "settings.geoip.update",
      "settings.rate-limit.update",
      "settings.fail2ban.update",
      "settings.ports.update",
    ]);

    const countries = await call(request, token, "GET", "geoip/countries");
    expect(countries.status).toBe(200);
    expect(countries.body?.items).toContainEqual(expect.objectContaining({ code: "IT", name: "Italy", ipv4Ranges: expect.any(Number) }));
  });

  test("answers every bad input with a 4xx and a message, never a 5xx", async ({ request }) => {
    const { token } = await createToken("ADMIN");
    const before = await sql(`SELECT * FROM rate_limit_settings`);

    const partial = await call(request, token, "PUT", "rate-limit", { enabled: true, burst: 10 });
    expect(partial.status).toBe(422);
    expect(String(partial.body?.error)).toMatch(/^Missing fields: packetsPerSecond, registerHits, .*PUT replaces the whole object/);
    expect(Object.keys(partial.body?.fieldErrors as object)).toContain("rtpPortMax");

    const cases: [string, string, unknown, number][] = [
      ["PUT", "geoip", { mode: "FULL_SERVER", countries: [] }, 422],
      ["PUT", "geoip", { mode: "FULL_SERVER", countries: ["QQ"] }, 422],
      ["PUT", "geoip", { mode: "FULL_SERVER", countries: ["it"] }, 422],
      ["PUT", "geoip", "{not json", 400],
      ["PUT", "geoip", "[]", 422],
      ["PUT", "geoip", "null", 422],
      ["PATCH", "geoip", '"OFF"', 422],
      ["PATCH", "rate-limit", { packetsPerSecond: 1e308 }, 422],
      ["PATCH", "rate-limit", { packetsPerSecond: "50" }, 422],
      ["PATCH", "rate-limit", { sipPorts: [5060, 5060] }, 422],
      ["PATCH", "rate-limit", '{"__proto__": {"enabled": false}}', 422],
      ["PATCH", "rate-limit", { constructor: 1 }, 422],
      // fail2ban has no mail action any more (ban mail is the panel's digest): the old field is refused, not ignored.
      ["PATCH", "fail2ban", { notify: { enabled: true, email: "a@example.com", sender: "b@example.com" } }, 422],
      ["PATCH", "fail2ban", { recidive: "yes" }, 422],
      ["PUT", "ports", { sshPorts: [22], webPorts: [22] }, 422],
      ["POST", "scanners", { pattern: "x".repeat(10_000) }, 422],
      ["POST", "scanners", { pattern: "friendly-scanner" }, 409],
      ["POST", "scanners", { pattern: "ok-pattern", extra: 1 }, 422],
      ["PUT", "scanners", { signatures: [{ pattern: "dup-pattern", enabled: true }, { pattern: "dup-pattern", enabled: false }] }, 422],
      ["PUT", "scanners", { signatures: [{ id: randomUUID(), pattern: "ghost-pattern", enabled: true }] }, 422],
      ["PUT", "scanners", { signatures: "all" }, 422],
      ["GET", "scanners/not-a-uuid", undefined, 404],
      ["PATCH", `scanners/${randomUUID()}`, { enabled: false }, 404],
      ["DELETE", "scanners/%27%3B%20DROP%20TABLE%20x", undefined, 404],
    ];
    for (const [method, path, data, status] of cases) {
      const response = await call(request, token, method, path, data);
      expect(response.status, `${method} ${path} ${JSON.stringify(data)}`).toBe(status);
      expect(typeof response.body?.error, `${method} ${path}`).toBe("string");
    }
    expect(await sql(`SELECT * FROM rate_limit_settings`)).toEqual(before);
    expect(await sql(`SELECT 1 FROM scanner_signatures WHERE pattern IN ('ok-pattern', 'dup-pattern', 'ghost-pattern')`)).toHaveLength(0);
  });

  test("manages scanner signatures one by one and as a list", async ({ request }) => {
    const { token, label } = await createToken("ADMIN");
    const original = ((await call(request, token, "GET", "scanners")).body?.signatures ?? []) as { id: string; pattern: string; enabled: boolean; comment: string }[];
    expect(original.map((s) => s.pattern)).toContain("sipvicious");

    const pattern = uniquePattern("api");
    const created = await call(request, token, "POST", "scanners", { pattern, comment: "from the API" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ pattern, enabled: true, comment: "from the API" });
    const id = String(created.body?.id);
    expect((await call(request, token, "PATCH", `scanners/${id}`, { enabled: false })).body).toMatchObject({ id, enabled: false });
    expect((await call(request, token, "GET", `scanners/${id}`)).body).toMatchObject({ pattern, enabled: false });
    expect((await call(request, token, "DELETE", `scanners/${id}`)).status).toBe(204);
    expect((await call(request, token, "GET", `scanners/${id}`)).status).toBe(404);

    try {
      const replaced = await call(request, token, "PUT", "scanners", {
        signatures: [{ pattern: "sipvicious", enabled: false }, { pattern: `${pattern}-list`, enabled: true, comment: "new" }],
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ added: 1, updated: 1, removed: original.length - 1 });
      expect(await sql(`SELECT pattern, enabled FROM scanner_signatures ORDER BY pattern`)).toEqual([
        { pattern: `${pattern}-list`, enabled: true },
        { pattern: "sipvicious", enabled: false },
      ]);
    } finally {
      const restored = await call(request, token, "PUT", "scanners", {
        signatures: original.map(({ pattern: p, enabled, comment }) => ({ pattern: p, enabled, comment })),
      });
      expect(restored.status).toBe(200);
    }
    expect(await auditActions(label)).toEqual(["scanner.create", "scanner.update", "scanner.delete", "scanner.replace", "scanner.replace"]);
  });

  test("a viewer token reads but cannot write", async ({ request }) => {
    const { token } = await createToken("VIEWER");
    expect((await call(request, token, "GET", "fail2ban")).status).toBe(200);
    const refused = await call(request, token, "PATCH", "fail2ban", { maxRetry: 3 });
    expect(refused.status).toBe(403);
    expect((await call(request, token, "POST", "scanners", { pattern: uniquePattern() })).status).toBe(403);
  });
});
