import { randomUUID } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { sql } from "./db";
import { bearer, createApiToken, seedTenant, type SeededTenant } from "./tenant-helpers";

// Tenant isolation of the REST API: an API token of a TENANT_ADMIN of tenant A calls every route under /api/v1
// (found by walking app/api/v1, so routes added later are covered too) with every method, its path ids set to
// tenant B's objects and its bodies naming tenant B. Zero answers may be 2xx where B's ids are in the path; no
// answer may mention B at all; and B's rows must be unchanged afterwards.
//
// A positive control sends the same requests with an ADMIN token against a fresh tenant C: the operations listed in
// MUST_REACH must succeed there, which proves the requests are well-formed and the scan reaches them — so the
// tenant administrator's refusals are the authorization's doing.

const API_ROOT = join(process.cwd(), "app", "api", "v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

/** Route templates such as /api/v1/tenants/[id]/restrictions/[entryId], from the route.ts files on disk. */
function discoverRoutes(dir = API_ROOT, prefix = "/api/v1"): string[] {
  const routes: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      // Private folders (_lib) are not routes; route groups ((name)) add no segment.
      if (name.startsWith("_")) continue;
      routes.push(...discoverRoutes(path, /^\(.*\)$/.test(name) ? prefix : `${prefix}/${name}`));
    } else if (name === "route.ts") {
      routes.push(prefix);
    }
  }
  return routes;
}

type IdKind = "tenant" | "extensionLimit" | "entry";

/** Which object a dynamic segment holds: the tenant for [id] under tenants/, the entry for [entryId], and so on. */
function segmentValue(template: string, segment: string, fixture: SeededTenant, variant: IdKind): string {
  if (segment === "[entryId]") return fixture.entryId;
  if (template.startsWith("/api/v1/tenants/[id]") || template.startsWith("/api/v1/call-limits/tenants/[id]")) return fixture.id;
  if (template.startsWith("/api/v1/call-limits/extensions/[id]")) return fixture.extensionLimitId;
  return { tenant: fixture.id, extensionLimit: fixture.extensionLimitId, entry: fixture.entryId }[variant];
}

function concretePaths(template: string, fixture: SeededTenant): string[] {
  if (!template.includes("[")) return [template];
  const variants: IdKind[] = ["tenant", "extensionLimit", "entry"];
  const paths = variants.map((variant) =>
    template
      .split("/")
      .map((segment) => (segment.startsWith("[") ? segmentValue(template, segment, fixture, variant) : segment))
      .join("/"),
  );
  return [...new Set(paths)];
}

let counter = Math.floor(Math.random() * 60_000);

/** Well-formed bodies for the route (so a refusal is not a validation error), then one naming B everywhere. */
function bodiesFor(template: string, method: Method, fixture: SeededTenant): unknown[] {
  const n = counter++;
  const network = `198.51.${Math.floor(n / 256) % 256}.${n % 256}/32`;
  const targeted: unknown[] = [];
  if (template.endsWith("/restrictions") && method === "POST") targeted.push({ network, comment: "isolation" });
  if (template.endsWith("/restrictions/[entryId]") && method === "PATCH") targeted.push({ comment: "changed by isolation test" });
  if (template.endsWith("/bulk-delete")) targeted.push({ ids: [fixture.entryId] });
  if (template.endsWith("/import")) targeted.push({ text: `198.18.${Math.floor(n / 256) % 256}.${n % 256}` });
  if (template === "/api/v1/tenants/[id]" && method === "PATCH") targeted.push({ description: "changed by isolation test", autoWhitelistRestrictions: true });
  if (template === "/api/v1/tenants" && method === "POST") targeted.push({ name: `isolation ${randomUUID()}` });
  if (template === "/api/v1/call-limits/tenants/[id]" && method === "PUT") targeted.push({ dailyLimit: "1", monthlyLimit: "2", currency: "EUR" });
  if (template === "/api/v1/call-limits/tenants/[id]/extensions" && method === "POST") targeted.push({ extension: `7${n}`, dailyLimit: "1", currency: "EUR" });
  if (template === "/api/v1/call-limits/extensions/[id]" && method === "PATCH") targeted.push({ dailyLimit: "0.01" });
  const kitchenSink = {
    tenantId: fixture.id,
    id: fixture.entryId,
    ids: [fixture.entryId],
    network,
    comment: "isolation",
    name: `isolation ${randomUUID()}`,
    extension: `8${n}`,
    dailyLimit: "1",
    currency: "EUR",
  };
  return [...targeted, kitchenSink];
}

interface Call {
  template: string;
  method: Method;
  path: string;
  status: number;
  body: string;
}

async function callEverything(request: APIRequestContext, token: string, templates: string[], fixture: SeededTenant, onEachPath?: (template: string) => Promise<SeededTenant>): Promise<Call[]> {
  const calls: Call[] = [];
  for (const template of templates) {
    const target = onEachPath ? await onEachPath(template) : fixture;
    for (const path of concretePaths(template, target)) {
      for (const method of METHODS) {
        const bodies = method === "GET" || method === "DELETE" ? [undefined] : bodiesFor(template, method, target);
        for (const data of bodies) {
          const response = await request.fetch(path, { method, headers: bearer(token), data, maxRedirects: 0 });
          calls.push({ template, method, path, status: response.status(), body: await response.text() });
        }
      }
    }
  }
  return calls;
}

/** Everything of tenant B an API call could change. */
async function snapshotTenant(id: string) {
  return {
    tenant: await sql(`SELECT name, description, auto_whitelist_restrictions, updated_at FROM tenants WHERE id = $1`, [id]),
    entries: await sql(`SELECT id, network::text, comment, expires_at, updated_at FROM address_entries WHERE tenant_id = $1 ORDER BY id`, [id]),
    limit: await sql(`SELECT daily_limit::text, monthly_limit::text, currency, updated_at FROM tenant_call_limits WHERE tenant_id = $1`, [id]),
    extensions: await sql(`SELECT id, extension, daily_limit::text, currency, updated_at FROM extension_call_limits WHERE tenant_id = $1 ORDER BY id`, [id]),
    tokens: await sql(`SELECT id, revoked_at FROM api_tokens WHERE tenant_id = $1 ORDER BY id`, [id]),
  };
}

/** Operations the control must reach: ours, and the restrictions API of the lists module. */
const MUST_REACH: Array<[Method, string]> = [
  ["GET", "/api/v1/tenants/[id]"],
  ["PATCH", "/api/v1/tenants/[id]"],
  ["DELETE", "/api/v1/tenants/[id]"],
  ["GET", "/api/v1/call-limits/tenants/[id]"],
  ["PUT", "/api/v1/call-limits/tenants/[id]"],
  ["DELETE", "/api/v1/call-limits/tenants/[id]"],
  ["GET", "/api/v1/call-limits/tenants/[id]/extensions"],
  ["POST", "/api/v1/call-limits/tenants/[id]/extensions"],
  ["GET", "/api/v1/call-limits/extensions/[id]"],
  ["PATCH", "/api/v1/call-limits/extensions/[id]"],
  ["DELETE", "/api/v1/call-limits/extensions/[id]"],
  ["GET", "/api/v1/tenants/[id]/restrictions"],
  ["POST", "/api/v1/tenants/[id]/restrictions"],
  ["GET", "/api/v1/tenants/[id]/restrictions/[entryId]"],
  ["PATCH", "/api/v1/tenants/[id]/restrictions/[entryId]"],
  ["DELETE", "/api/v1/tenants/[id]/restrictions/[entryId]"],
];

const isSuccess = (status: number) => status >= 200 && status < 300;

test.describe("tenant isolation of the API", () => {
  test.setTimeout(300_000);

  test("a TENANT_ADMIN token of tenant A gets no 2xx for tenant B's objects on any route, and B is unchanged", async ({ request }) => {
    const templates = discoverRoutes();
    // The routes this spec exists for are on disk (and so in the scan).
    for (const expected of ["/api/v1/tenants/[id]", "/api/v1/tenants/[id]/restrictions", "/api/v1/call-limits/tenants/[id]", "/api/v1/call-limits/extensions/[id]"]) {
      expect(templates).toContain(expected);
    }

    // Positive control: ADMIN against a fresh tenant per route reaches every MUST_REACH operation.
    const admin = await createApiToken("ADMIN");
    const tenantScoped = templates.filter((t) => t.startsWith("/api/v1/tenants/[id]") || t.startsWith("/api/v1/call-limits/tenants/[id]") || t.startsWith("/api/v1/call-limits/extensions/[id]"));
    const controlCalls = await callEverything(request, admin, tenantScoped, await seedTenant("control"), () => seedTenant("control"));
    const reached = new Set(controlCalls.filter((c) => isSuccess(c.status)).map((c) => `${c.method} ${c.template}`));
    for (const [method, template] of MUST_REACH) {
      if (templates.includes(template)) expect(reached, `control could not ${method} ${template}`).toContain(`${method} ${template}`);
    }

    // The run that matters.
    const tenantA = await seedTenant("tenant-a");
    const tenantB = await seedTenant("tenant-b");
    const token = await createApiToken("TENANT_ADMIN", tenantA.id);
    const before = await snapshotTenant(tenantB.id);
    const calls = await callEverything(request, token, templates, tenantB);

    const serverErrors = calls.filter((c) => c.status >= 500).map((c) => `${c.method} ${c.path} → ${c.status}`);
    expect(serverErrors).toEqual([]);
    const leaks = calls
      .filter((c) => (c.template.includes("[") && isSuccess(c.status)) || c.body.includes(tenantB.id) || c.body.includes(tenantB.name))
      .map((c) => `${c.method} ${c.path} → ${c.status}`);
    expect(leaks).toEqual([]);
    // Whitelist and blocklist writes need policy:write, which a tenant administrator does not hold.
    const listWrites = calls.filter((c) => /^\/api\/v1\/(whitelist|blocklist)/.test(c.template) && c.method !== "GET");
    for (const call of listWrites) expect([403, 405], `${call.method} ${call.path} answered ${call.status}`).toContain(call.status);
    expect(listWrites.filter((c) => c.status === 403).length).toBeGreaterThan(0);
    // Tenant-scoped reads of B answer 404, exactly as for ids that do not exist (B's ids cannot be probed).
    const tenantScopedReads = calls.filter(
      (c) => c.method === "GET" && ["/api/v1/tenants/[id]", "/api/v1/call-limits/tenants/[id]", "/api/v1/call-limits/tenants/[id]/extensions", "/api/v1/call-limits/extensions/[id]"].includes(c.template),
    );
    expect(tenantScopedReads.length).toBeGreaterThan(0);
    for (const call of tenantScopedReads) expect(call.status, `${call.method} ${call.path}`).toBe(404);
    expect(await snapshotTenant(tenantB.id)).toEqual(before);

    // The token works: its own tenant answers.
    const own = await request.get(`/api/v1/tenants/${tenantA.id}`, { headers: bearer(token) });
    expect(own.status()).toBe(200);
    expect((await request.get(`/api/v1/call-limits/tenants/${tenantA.id}`, { headers: bearer(token) })).status()).toBe(200);
    const list = (await (await request.get("/api/v1/tenants", { headers: bearer(token) })).json()) as { items: { id: string }[] };
    expect(list.items.map((t) => t.id)).toEqual([tenantA.id]);
    if (templates.includes("/api/v1/tenants/[id]/restrictions")) {
      expect((await request.get(`/api/v1/tenants/${tenantA.id}/restrictions`, { headers: bearer(token) })).status()).toBe(200);
    }
  });

  test("named routes of tenant B answer 404 or 403 to tenant A's administrator", async ({ request }) => {
    const tenantA = await seedTenant("tenant-a");
    const tenantB = await seedTenant("tenant-b");
    const token = await createApiToken("TENANT_ADMIN", tenantA.id);
    const b = tenantB.id;
    const expectations: Array<[Method, string, unknown, number[]]> = [
      ["GET", `/api/v1/tenants/${b}`, undefined, [404]],
      ["PATCH", `/api/v1/tenants/${b}`, { description: "x" }, [403]],
      ["DELETE", `/api/v1/tenants/${b}`, undefined, [403]],
      ["GET", `/api/v1/tenants/${b}/restrictions`, undefined, [404]],
      ["POST", `/api/v1/tenants/${b}/restrictions`, { network: "192.0.2.0/24" }, [404]],
      ["DELETE", `/api/v1/tenants/${b}/restrictions/${tenantB.entryId}`, undefined, [404]],
      ["GET", `/api/v1/call-limits/tenants/${b}`, undefined, [404]],
      ["PUT", `/api/v1/call-limits/tenants/${b}`, { dailyLimit: "1", currency: "EUR" }, [403]],
      ["GET", `/api/v1/call-limits/tenants/${b}/extensions`, undefined, [404]],
      ["POST", `/api/v1/call-limits/tenants/${b}/extensions`, { extension: "1", dailyLimit: "1", currency: "EUR" }, [403]],
      ["GET", `/api/v1/call-limits/extensions/${tenantB.extensionLimitId}`, undefined, [404]],
      ["DELETE", `/api/v1/call-limits/extensions/${tenantB.extensionLimitId}`, undefined, [403]],
      ["POST", "/api/v1/whitelist", { network: "192.0.2.0/24" }, [403]],
      ["POST", "/api/v1/blocklist", { network: "192.0.2.0/24" }, [403]],
      ["PUT", "/api/v1/call-limits/abuse-detection", { enabled: false, maxCallsSameNumber: 1 }, [403]],
      ["POST", "/api/v1/call-limits/routes", { name: "x", prefix: "1", maxCostPerMinute: "1", currency: "EUR" }, [403]],
    ];
    for (const [method, path, data, statuses] of expectations) {
      const response = await request.fetch(path, { method, headers: bearer(token), data });
      expect(statuses, `${method} ${path} answered ${response.status()}`).toContain(response.status());
    }
    const [limit] = await sql<{ daily: string }>(`SELECT daily_limit::text AS daily FROM tenant_call_limits WHERE tenant_id = $1`, [b]);
    expect(limit?.daily).toBe("10.0000");
    expect(await sql(`SELECT 1 FROM address_entries WHERE tenant_id = $1`, [b])).toHaveLength(2);
  });
});
