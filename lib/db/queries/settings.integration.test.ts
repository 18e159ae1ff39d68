import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";

import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import { policySnapshotSchema } from "@/lib/validation/policy";
import type { Fail2banSettings, GeoIpSettings, PortsSettings, RateLimitSettings } from "@/lib/validation/settings";

import {
  getFail2banSettings,
  getGeoIpSettings,
  getPortsSettings,
  getRateLimitSettings,
  patchFail2banSettings,
  patchGeoIpSettings,
  patchRateLimitSettings,
  updateFail2banSettings,
  updateGeoIpSettings,
  updatePortsSettings,
  updateRateLimitSettings,
} from "./settings";

function callerOf(role: Role): Caller {
  return { role, tenantId: null, actor: { type: "USER", id: randomUUID(), label: `settings-it-${randomUUID()}@example.test`, ip: "192.0.2.7" } };
}

async function auditOf(caller: Caller) {
  return getDb().auditLog.findMany({ where: { actorLabel: caller.actor.label }, orderBy: { id: "asc" } });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

// The singletons are shared by every test file of the run: each test restores what it changed.
const admin = callerOf("ADMIN");
let original: { geoip: GeoIpSettings; rate: RateLimitSettings; fail2ban: Fail2banSettings; ports: PortsSettings };
beforeAll(async () => {
  original = {
    geoip: await getGeoIpSettings(admin),
    rate: await getRateLimitSettings(admin),
    fail2ban: await getFail2banSettings(admin),
    ports: await getPortsSettings(admin),
  };
}, 60_000);
afterAll(async () => {
  await updateGeoIpSettings(admin, original.geoip);
  await updateRateLimitSettings(admin, original.rate);
  await updateFail2banSettings(admin, original.fail2ban);
  await updatePortsSettings(admin, original.ports);
});

describe("reading", () => {
  it("returns the migration's defaults in the compiler's shapes", async () => {
    const viewer = callerOf("VIEWER");
    const rate = await getRateLimitSettings(viewer);
    const fail2ban = await getFail2banSettings(viewer);
    const ports = await getPortsSettings(viewer);
    const geoip = await getGeoIpSettings(viewer);
    expect(policySnapshotSchema.shape.rateLimit.safeParse(rate).success).toBe(true);
    expect(policySnapshotSchema.shape.fail2ban.safeParse(fail2ban).success).toBe(true);
    expect(policySnapshotSchema.shape.platform.safeParse(ports).success).toBe(true);
    expect(Object.keys(geoip).sort()).toEqual(["countries", "mode"]);
  });

  it("is refused to a role without policy:read", async () => {
    const error = await rejection(getGeoIpSettings(callerOf("TENANT_ADMIN")));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("FORBIDDEN");
  });
});

describe("GeoIP", () => {
  it("stores the countries sorted and audits before and after in the same write", async () => {
    const caller = callerOf("OPERATOR");
    const before = await getGeoIpSettings(caller);
    const saved = await updateGeoIpSettings(caller, { mode: "FULL_SERVER", countries: ["IT", "CH"] });
    expect(saved).toEqual({ mode: "FULL_SERVER", countries: ["CH", "IT"] });
    const row = await getDb().geoIpPolicy.findUniqueOrThrow({ where: { id: 1 } });
    expect({ mode: row.mode, countries: row.countries }).toEqual(saved);
    const audit = await auditOf(caller);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "settings.geoip.update",
      objectType: "geoip-policy",
      objectId: "1",
      actorType: "USER",
      actorId: caller.actor.id,
      ip: "192.0.2.7",
      before,
      after: saved,
    });
  }, 60_000);

  it("does not audit a write that changes nothing", async () => {
    const caller = callerOf("ADMIN");
    const current = await getGeoIpSettings(caller);
    await updateGeoIpSettings(caller, { mode: current.mode, countries: [...current.countries].reverse() });
    expect(await auditOf(caller)).toHaveLength(0);
  });

  it("refuses a filter without countries, and codes the dataset does not know, writing nothing", async () => {
    const caller = callerOf("ADMIN");
    const before = await getGeoIpSettings(caller);
    const empty = await rejection(updateGeoIpSettings(caller, { mode: "WEB_ONLY", countries: [] }));
    expect(empty).toBeInstanceOf(ZodError);
    expect((empty as ZodError).issues[0]?.message).toBe("Choose at least one allowed country, or switch the GeoIP filter off.");
    const unknown = await rejection(updateGeoIpSettings(caller, { mode: "FULL_SERVER", countries: ["IT", "QQ", "XX"] }));
    expect(unknown).toBeInstanceOf(AppError);
    expect((unknown as AppError).code).toBe("VALIDATION");
    expect((unknown as AppError).fieldErrors?.countries?.[0]).toContain("QQ, XX");
    expect(await getGeoIpSettings(caller)).toEqual(before);
    expect(await auditOf(caller)).toHaveLength(0);
  });

  it("patches one field and validates the result as a whole", async () => {
    const caller = callerOf("ADMIN");
    await updateGeoIpSettings(caller, { mode: "FULL_SERVER", countries: ["DE"] });
    expect(await patchGeoIpSettings(caller, { mode: "OFF" })).toEqual({ mode: "OFF", countries: ["DE"] });
    expect(await rejection(patchGeoIpSettings(caller, { mode: "SOMETIMES" }))).toBeInstanceOf(ZodError);
    expect(await rejection(patchGeoIpSettings(caller, { colour: "red" }))).toBeInstanceOf(ZodError);
  });

  it("is refused to a viewer, before anything is written", async () => {
    const viewer = callerOf("VIEWER");
    const error = await rejection(updateGeoIpSettings(viewer, { mode: "OFF", countries: [] }));
    expect((error as AppError).code).toBe("FORBIDDEN");
    expect(await auditOf(viewer)).toHaveLength(0);
  });
});

describe("SIP rate limits", () => {
  it("stores every field, ports sorted and transports in order", async () => {
    const caller = callerOf("ADMIN");
    const next: RateLimitSettings = {
      enabled: false,
      packetsPerSecond: 77,
      burst: 150,
      registerHits: 9,
      registerWindowSeconds: 30,
      inviteHits: 11,
      inviteWindowSeconds: 45,
      sipPorts: [5080, 5060],
      transports: ["TLS", "UDP"],
      rtpPortMin: 12000,
      rtpPortMax: 14000,
    };
    const saved = await updateRateLimitSettings(caller, next);
    expect(saved).toEqual({ ...next, sipPorts: [5060, 5080], transports: ["UDP", "TLS"] });
    expect(await getRateLimitSettings(caller)).toEqual(saved);
    const [audit] = await auditOf(caller);
    expect(audit).toMatchObject({ action: "settings.rate-limit.update", after: saved });
  });

  it("refuses out-of-range and cross-field mistakes without writing", async () => {
    const caller = callerOf("ADMIN");
    const before = await getRateLimitSettings(caller);
    expect(await rejection(patchRateLimitSettings(caller, { burst: 0 }))).toBeInstanceOf(ZodError);
    expect(await rejection(patchRateLimitSettings(caller, { rtpPortMin: 30000, rtpPortMax: 20000 }))).toBeInstanceOf(ZodError);
    expect(await rejection(patchRateLimitSettings(caller, { sipPorts: [before.rtpPortMin] }))).toBeInstanceOf(ZodError);
    expect(await getRateLimitSettings(caller)).toEqual(before);
    expect(await auditOf(caller)).toHaveLength(0);
  });
});

describe("fail2ban", () => {
  it("stores the nested settings in their columns, and merges nested PATCH objects", async () => {
    const caller = callerOf("ADMIN");
    const next: Fail2banSettings = {
      voipJailEnabled: true,
      webJailEnabled: false,
      maxRetry: 4,
      findTimeSeconds: 900,
      banTimeSeconds: 7200,
      recidive: { enabled: true, maxRetry: 2, findTimeSeconds: 172800, banTimeSeconds: -1 },
    };
    expect(await updateFail2banSettings(caller, next)).toEqual(next);
    const row = await getDb().fail2banSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(row).toMatchObject({ webJailEnabled: false, recidiveMaxRetry: 2, recidiveFindTimeSeconds: 172800, recidiveBanTimeSeconds: -1 });
    expect(await patchFail2banSettings(caller, { recidive: { enabled: false } })).toEqual({
      ...next,
      recidive: { ...next.recidive, enabled: false },
    });
    expect((await auditOf(caller)).map((a) => a.action)).toEqual(["settings.fail2ban.update", "settings.fail2ban.update"]);
  });

  it("refuses a shorter repeat-offender ban, and the mail action that no longer exists", async () => {
    const caller = callerOf("ADMIN");
    const current = await getFail2banSettings(caller);
    const shorter = await rejection(patchFail2banSettings(caller, { banTimeSeconds: 3600, recidive: { enabled: true, banTimeSeconds: 1800 } }));
    expect((shorter as ZodError).issues.map((i) => i.path.join("."))).toEqual(["recidive.banTimeSeconds"]);
    // Ban e-mail is the panel's digest now: a client still sending fail2ban's `notify` is told, not ignored.
    const notify = await rejection(patchFail2banSettings(caller, { notify: { enabled: true, email: "noc@example.com" } }));
    expect((notify as ZodError).issues).toMatchObject([{ code: "unrecognized_keys", keys: ["notify"] }]);
    expect(await getFail2banSettings(caller)).toEqual(current);
  });
});

describe("platform ports", () => {
  it("writes only the two port lists", async () => {
    const caller = callerOf("ADMIN");
    const before = await getDb().platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(await updatePortsSettings(caller, { sshPorts: [2222, 22], webPorts: [8443] })).toEqual({ sshPorts: [22, 2222], webPorts: [8443] });
    const after = await getDb().platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(after).toMatchObject({ sshPorts: [22, 2222], webPorts: [8443], autoWhitelistRegistrations: before.autoWhitelistRegistrations });
    expect(await rejection(updatePortsSettings(caller, { sshPorts: [22], webPorts: [22] }))).toBeInstanceOf(ZodError);
    const [audit] = await auditOf(caller);
    expect(audit).toMatchObject({ action: "settings.ports.update", objectType: "platform-settings" });
  });
});
