import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";

// Tenant isolation of the server actions: a TENANT_ADMIN of tenant A calls every exported action of every
// tenant-scoped actions module with tenant B's ids, in every argument shape an action of this codebase takes.
// Not one call may succeed, and B's rows (and the platform-wide ones) must be exactly as before.
//
// Actions are discovered by iterating each module's exports, so an action added later is covered without
// touching this file. A positive control runs the same calls as an ADMIN on a fresh tenant: every action must
// succeed with at least one of the shapes, which proves the inputs are well-formed — the tenant administrator's
// failures are then the authorization's doing, not a typo in this test.

const auth = vi.hoisted(() => ({ user: null as SessionUser | null }));

vi.mock("@/lib/auth/session", () => ({
  getCurrentUser: async () => auth.user,
  loadSessionUser: async () => auth.user,
}));
vi.mock("next/cache", () => import("@/test/next-cache-stub"));
vi.mock("next/headers", () => ({
  // A same-origin browser request: runAction refuses any other.
  headers: async () => new Headers({ "x-rampart-client-ip": "192.0.2.44", host: "rampart.test", origin: "http://rampart.test" }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined }),
}));
// A redirect or notFound() from an action would end its request; here it surfaces as this error.
vi.mock("next/navigation", () => {
  const signal = (kind: string) => () => {
    throw Object.assign(new Error(`NEXT_${kind}`), { digest: `NEXT_${kind}` });
  };
  return { redirect: signal("REDIRECT"), permanentRedirect: signal("REDIRECT"), notFound: signal("HTTP_ERROR_FALLBACK;404"), forbidden: signal("HTTP_ERROR_FALLBACK;403"), unauthorized: signal("HTTP_ERROR_FALLBACK;401") };
});

/** Every actions module with tenant-scoped (or tenant-reachable) actions; missing ones are skipped until they exist. */
const ACTION_MODULES = [
  "app/(dashboard)/tenants/actions.ts",
  "app/(dashboard)/tenants/[id]/actions.ts",
  "app/(dashboard)/tenants/[id]/restrictions/actions.ts",
  // The one address-list UI's actions: tenant IP restrictions (and the whitelist and blocklist).
  "components/address-list/actions.ts",
  "app/(dashboard)/call-limits/actions.ts",
  // Lifting the call guard's extension blocks: a tenant administrator may lift only the tenant's own.
  "app/(dashboard)/call-limits/blocks/actions.ts",
] as const;
/** Modules whose every action must pass the positive control (the others: at least one action per module). */
const STRICT_CONTROL_MODULES = new Set<string>([
  "app/(dashboard)/tenants/actions.ts",
  "app/(dashboard)/tenants/[id]/actions.ts",
  "components/address-list/actions.ts",
  "app/(dashboard)/call-limits/actions.ts",
]);

type AnyAction = (...args: unknown[]) => Promise<unknown>;
interface DiscoveredAction {
  module: string;
  name: string;
  fn: AnyAction;
}

async function discoverActions(): Promise<DiscoveredAction[]> {
  const found: DiscoveredAction[] = [];
  for (const path of ACTION_MODULES) {
    if (!existsSync(join(process.cwd(), path))) continue;
    const exports = (await import(/* @vite-ignore */ `@/${path.replace(/\.ts$/, "")}`)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value === "function") found.push({ module: path, name, fn: value as AnyAction });
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------

interface TenantFixture {
  tenantId: string;
  extensionLimitId: string;
  entryId: string;
  /** A tenant administrator's network waiting for approval (approve / reject actions). */
  pendingEntryId: string;
  routeId: string;
  /** An open extension block of the tenant's account code. */
  blockId: string;
}

let counter = 0;
const next = () => ++counter;

async function seedTenant(label: string): Promise<TenantFixture> {
  const db = getDb();
  const tenant = await db.tenant.create({ data: { name: `${label}-${randomUUID()}`, description: "isolation fixture", accountCode: `iso-${randomUUID().slice(0, 13)}` } });
  await db.tenantCallLimit.create({ data: { tenantId: tenant.id, dailyLimit: "10", monthlyLimit: "100", currency: "EUR" } });
  const limit = await db.extensionCallLimit.create({ data: { tenantId: tenant.id, extension: "100", dailyLimit: "5", currency: "EUR" } });
  await db.extensionCallLimit.create({ data: { tenantId: tenant.id, extension: "200", dailyLimit: "6", currency: "EUR" } });
  const n = next();
  const entry = await db.addressEntry.create({
    data: { list: "TENANT_RESTRICTION", network: `10.${n % 250}.${Math.floor(n / 250)}.0/24`, family: 4, tenantId: tenant.id, comment: "office" },
  });
  await db.addressEntry.create({ data: { list: "TENANT_RESTRICTION", network: `2001:db8:${n.toString(16)}::/48`, family: 6, tenantId: tenant.id } });
  const pending = await db.addressEntry.create({
    data: { list: "TENANT_RESTRICTION", network: `10.${n % 250}.${Math.floor(n / 250)}.128/25`, family: 4, tenantId: tenant.id, source: "TENANT", pendingReason: "overlaps FIXTURE's 10.0.0.0/8" },
  });
  await db.apiToken.create({ data: { name: "fixture", prefix: "rmp_fixture", tokenHash: randomUUID(), role: "TENANT_ADMIN", tenantId: tenant.id } });
  const route = await db.routeCostLimit.create({ data: { name: `route-${randomUUID()}`, prefix: `00${n}${Date.now() % 1_000_000}`.slice(0, 15), maxCostPerMinute: "1", currency: "EUR" } });
  const block = await db.extensionBlock.create({ data: { accountCode: tenant.accountCode!, extension: "100", number: "0088213000001", blockedAt: new Date() } });
  return { tenantId: tenant.id, extensionLimitId: limit.id, entryId: entry.id, pendingEntryId: pending.id, routeId: route.id, blockId: block.id };
}

async function createSessionUser(role: Role, tenantId: string | null): Promise<SessionUser> {
  const email = `${role.toLowerCase()}-${randomUUID()}@isolation.test`;
  const user = await getDb().user.create({ data: { email, passwordHash: "x", role, tenantId } });
  return { id: user.id, email, name: "", role, tenantId, sessionId: randomUUID() };
}

/** Everything of one tenant an action could change, as plain JSON. */
async function snapshotTenant(tenantId: string) {
  const db = getDb();
  const byId = { orderBy: { id: "asc" } } as const;
  const tenant = await db.tenant.findUnique({ where: { id: tenantId } });
  return JSON.parse(
    JSON.stringify({
      tenant,
      blocks: await db.extensionBlock.findMany({ where: { accountCode: tenant?.accountCode ?? "" }, ...byId }),
      callLimit: await db.tenantCallLimit.findUnique({ where: { tenantId } }),
      extensionLimits: await db.extensionCallLimit.findMany({ where: { tenantId }, ...byId }),
      entries: await db.addressEntry.findMany({ where: { tenantId }, ...byId }),
      tokens: await db.apiToken.findMany({ where: { tenantId }, ...byId }),
      users: await db.user.findMany({ where: { tenantId }, ...byId, select: { id: true, role: true, disabled: true, updatedAt: true } }),
    }),
  ) as unknown;
}

/** The platform-wide rows a misrouted write could reach instead. */
async function snapshotPlatform() {
  const db = getDb();
  return JSON.parse(
    JSON.stringify({
      routes: await db.routeCostLimit.findMany({ orderBy: { id: "asc" } }),
      abuse: await db.abuseDetectionSettings.findMany(),
      globalEntries: await db.addressEntry.findMany({ where: { tenantId: null }, orderBy: { id: "asc" } }),
      tenants: await db.tenant.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true, updatedAt: true } }),
    }),
  ) as unknown;
}

// ---------------------------------------------------------------------------------------------------------
// Argument shapes
// ---------------------------------------------------------------------------------------------------------

type IdVariant = "extensionLimit" | "entry" | "tenant" | "route" | "block";
const ID_VARIANTS: IdVariant[] = ["extensionLimit", "entry", "tenant", "route", "block"];

/** A complete, valid value for every field any action of these modules reads, with fresh unique text. */
function fieldValues(target: TenantFixture, variant: IdVariant): Record<string, string> {
  const n = next();
  const id = { extensionLimit: target.extensionLimitId, entry: target.entryId, tenant: target.tenantId, route: target.routeId, block: target.blockId }[variant];
  return {
    tenantId: target.tenantId,
    id,
    entryId: target.entryId,
    pendingEntryId: target.pendingEntryId,
    minPrefix4: "24",
    minPrefix6: "48",
    extensionLimitId: target.extensionLimitId,
    routeId: target.routeId,
    name: `isolation-${n}-${randomUUID().slice(0, 8)}`,
    description: "changed by the isolation test",
    autoWhitelistRestrictions: "on",
    dailyLimit: "1.5",
    monthlyLimit: "100",
    currency: "EUR",
    extension: `9${n}`,
    prefix: `0${String(n).padStart(4, "0")}${Date.now() % 100_000}`.slice(0, 15),
    maxCostPerMinute: "0.5",
    enabled: "on",
    maxCallsSameNumber: "6",
    windowSeconds: "300",
    offlineMode: "ALLOW_CAPPED",
    maxCallSeconds: "3600",
    staleAfterSeconds: "300",
    network: `198.18.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`,
    comment: "isolation test",
    expiresAt: "",
    text: `198.19.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`,
    confirm: "on",
  };
}

function toFormData(values: Record<string, string>, ids: string[]): FormData {
  const formData = new FormData();
  for (const [key, value] of Object.entries(values)) formData.set(key, value);
  for (const id of ids) formData.append("ids", id);
  return formData;
}

function toObject(values: Record<string, string>, ids: string[]): Record<string, unknown> {
  return {
    ...values,
    ids,
    autoWhitelistRestrictions: true,
    enabled: true,
    confirm: true,
    expiresAt: null,
    maxCallsSameNumber: 6,
    windowSeconds: 300,
  };
}

/** The argument lists to try: the conventions of useActionState, bound ids, list targets and plain inputs. */
function argumentShapes(target: TenantFixture, variant: IdVariant): unknown[][] {
  const values = fieldValues(target, variant);
  const ids = [target.entryId];
  const fd = () => toFormData(values, ids);
  const obj = () => toObject(values, ids);
  const listTarget = { kind: "tenant", tenantId: target.tenantId };
  const id = values.id!;
  return [
    [null, fd()],
    [undefined, fd()],
    [fd()],
    [obj()],
    [target.tenantId, fd()],
    [target.tenantId, null, fd()],
    [target.tenantId, obj()],
    [target.tenantId, id],
    [target.tenantId, id, fd()],
    [target.tenantId, id, obj()],
    [target.tenantId, ids],
    [id],
    [listTarget, null, fd()],
    [listTarget, fd()],
    [listTarget, obj()],
    [listTarget, id],
    [listTarget, id, obj()],
    [listTarget, ids],
    [listTarget, { ids }],
    // The address-list actions take exactly their own fields (strict schemas).
    [listTarget, { network: values.network, comment: values.comment }],
    [listTarget, id, { comment: "changed by the isolation test" }],
    [listTarget, { text: values.text }],
    [listTarget, {}],
    // Platform-wide lists: a tenant administrator may not write them at all.
    [{ kind: "whitelist" }, { network: values.network, comment: values.comment }],
    [{ kind: "blocklist" }, { network: values.network, comment: values.comment }],
  ];
}

type Outcome = { isSuccess: true } | { isSuccess: false; reason: string };

/** Success is anything but `{ ok: false }` or a thrown error; a redirect counts as success (it is how actions end well). */
async function invoke(fn: AnyAction, args: unknown[]): Promise<Outcome> {
  try {
    const result = await fn(...args);
    if (typeof result === "object" && result !== null && "ok" in result && result.ok === false) {
      return { isSuccess: false, reason: String((result as { error?: unknown }).error) };
    }
    return { isSuccess: true };
  } catch (error) {
    const digest = typeof error === "object" && error !== null && "digest" in error ? String(error.digest) : "";
    if (digest.startsWith("NEXT_REDIRECT")) return { isSuccess: true };
    return { isSuccess: false, reason: `threw ${error instanceof Error ? error.message : String(error)}` };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------

let actions: DiscoveredAction[] = [];
let restoreConsole: (() => void) | undefined;

beforeAll(async () => {
  actions = await discoverActions();
  // Deliberately malformed calls make runAction log "action failed": keep the output readable.
  const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
  restoreConsole = () => spy.mockRestore();
});

afterAll(() => restoreConsole?.());

describe("tenant isolation of server actions", () => {
  it("discovers the tenant and call-limit actions", () => {
    const names = actions.map((a) => a.name);
    if (existsSync(join(process.cwd(), "components/address-list/actions.ts"))) {
      for (const expected of ["createEntryAction", "updateEntryAction", "deleteEntryAction", "bulkDeleteAction"]) expect(names).toContain(expected);
    }
    for (const expected of ["createTenantAction", "updateTenantAction", "deleteTenantAction", "setTenantCallLimitAction", "createExtensionLimitAction", "updateExtensionLimitAction", "deleteExtensionLimitAction", "approveTenantNetworkAction", "rejectTenantNetworkAction", "updateTenantNetworkSettingsAction"]) {
      expect(names).toContain(expected);
    }
  });

  it("positive control: as an ADMIN, every action succeeds with one of the argument shapes", async () => {
    const admin = await createSessionUser("ADMIN", null);
    const neverSucceeded: string[] = [];
    const succeededPerModule = new Map<string, number>();
    for (const action of actions) {
      // A fresh tenant per action: a delete must not starve the next action of its objects.
      const fixture = await seedTenant("control");
      auth.user = admin;
      let isDone = false;
      for (const variant of ID_VARIANTS) {
        for (const args of argumentShapes(fixture, variant)) {
          if ((await invoke(action.fn, args)).isSuccess) {
            isDone = true;
            break;
          }
        }
        if (isDone) break;
      }
      auth.user = null;
      if (isDone) succeededPerModule.set(action.module, (succeededPerModule.get(action.module) ?? 0) + 1);
      else neverSucceeded.push(`${action.module} ${action.name}`);
    }
    const strictFailures = neverSucceeded.filter((label) => STRICT_CONTROL_MODULES.has(label.split(" ")[0]!));
    expect(strictFailures, "these actions never succeeded even for an ADMIN: the test cannot call them properly").toEqual([]);
    for (const path of new Set(actions.map((a) => a.module))) {
      expect(succeededPerModule.get(path) ?? 0, `no action of ${path} could be called successfully`).toBeGreaterThan(0);
    }
  });

  it("positive control: a TENANT_ADMIN succeeds with every restrictions action on their own tenant", async () => {
    // So a refusal against tenant B below is the tenant scope at work, not a shape this test gets wrong.
    const restrictionActions = actions.filter((a) => a.module === "components/address-list/actions.ts" || a.module.includes("/restrictions/"));
    if (existsSync(join(process.cwd(), "components/address-list/actions.ts"))) expect(restrictionActions.length).toBeGreaterThan(0);
    const neverSucceeded: string[] = [];
    for (const action of restrictionActions) {
      const own = await seedTenant("own");
      auth.user = await createSessionUser("TENANT_ADMIN", own.tenantId);
      let isDone = false;
      for (const args of argumentShapes(own, "entry")) {
        if ((await invoke(action.fn, args)).isSuccess) {
          isDone = true;
          break;
        }
      }
      auth.user = null;
      if (!isDone) neverSucceeded.push(`${action.module} ${action.name}`);
    }
    expect(neverSucceeded).toEqual([]);
  });

  it("a TENANT_ADMIN of tenant A succeeds with none of them against tenant B, and B's data is unchanged", async () => {
    const tenantA = await seedTenant("tenant-a");
    const tenantB = await seedTenant("tenant-b");
    const tenantAdmin = await createSessionUser("TENANT_ADMIN", tenantA.tenantId);
    const beforeB = await snapshotTenant(tenantB.tenantId);
    const beforePlatform = await snapshotPlatform();

    const successes: string[] = [];
    let calls = 0;
    for (const action of actions) {
      for (const variant of ID_VARIANTS) {
        for (const args of argumentShapes(tenantB, variant)) {
          auth.user = tenantAdmin;
          const outcome = await invoke(action.fn, args);
          auth.user = null;
          calls++;
          if (outcome.isSuccess) successes.push(`${action.module} ${action.name} (${variant}, ${args.length} args)`);
        }
      }
    }

    expect(calls).toBeGreaterThan(actions.length);
    expect(successes).toEqual([]);
    expect(await snapshotTenant(tenantB.tenantId)).toEqual(beforeB);
    expect(await snapshotPlatform()).toEqual(beforePlatform);
    // Nothing was written in A's name either (no audit record means no change committed).
    expect(await getDb().auditLog.count({ where: { actorId: tenantAdmin.id } })).toBe(0);
  });
});
