import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { disconnectDb, getDb } from "@/lib/db/client";
import { UsageError } from "../context";
import { guardSet, guardShow } from "./guard";
import { tenantAccountCode } from "./tenant";

// `rampart guard show|set` and `rampart tenant account-code` against the real database: what is saved persists
// and is audited as the CLI actor, bad flags are usage errors that change nothing. The guard settings are a
// singleton: put back as they were afterwards.

let original: { enabled: boolean; offlineMode: "REFUSE_INTERNATIONAL" | "ALLOW_CAPPED"; maxCallSeconds: number; staleAfterSeconds: number };

beforeAll(async () => {
  const row = await getDb().callGuardSettings.findUniqueOrThrow({ where: { id: 1 } });
  original = { enabled: row.enabled, offlineMode: row.offlineMode, maxCallSeconds: row.maxCallSeconds, staleAfterSeconds: row.staleAfterSeconds };
});
afterAll(async () => {
  await getDb().callGuardSettings.update({ where: { id: 1 }, data: original });
  await disconnectDb();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function run(command: () => Promise<void>): Promise<{ out: string; error: unknown }> {
  const out: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void out.push(`${String(line)}\n`));
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  try {
    await command();
    return { out: out.join(""), error: null };
  } catch (error) {
    return { out: out.join(""), error };
  }
}

describe("rampart guard", () => {
  it("sets the given settings, keeps the others, audits it as the CLI actor, and shows them", async () => {
    await getDb().callGuardSettings.update({ where: { id: 1 }, data: { enabled: false, offlineMode: "REFUSE_INTERNATIONAL", maxCallSeconds: 14_400, staleAfterSeconds: 300 } });
    const set = await run(() => guardSet({ enabled: "on", offline: "allow-capped", "stale-after": "90" }));
    expect(set.error).toBeNull();
    expect(set.out).toContain("call guard: on.");
    expect(set.out).toContain("saved: the nodes get it with the next push");
    expect(await getDb().callGuardSettings.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ enabled: true, offlineMode: "ALLOW_CAPPED", maxCallSeconds: 14_400, staleAfterSeconds: 90 });
    const [audit] = await getDb().auditLog.findMany({ where: { action: "call-guard.update" }, orderBy: { id: "desc" }, take: 1 });
    expect(audit).toMatchObject({ actorType: "CLI", before: { enabled: false }, after: { enabled: true, staleAfterSeconds: 90 } });

    const shown = await run(() => guardShow({ json: true }));
    expect(JSON.parse(shown.out)).toMatchObject({ enabled: true, offlineMode: "ALLOW_CAPPED", unenforced: expect.any(Array) });
  });

  it("refuses bad flags as usage errors and changes nothing", async () => {
    const before = await getDb().callGuardSettings.findUniqueOrThrow({ where: { id: 1 } });
    for (const values of [{ enabled: "maybe" }, { offline: "open" }, { "max-call": "10" }, {}]) {
      const { error } = await run(() => guardSet(values));
      expect(error, JSON.stringify(values)).toBeInstanceOf(UsageError);
    }
    expect(await getDb().callGuardSettings.findUniqueOrThrow({ where: { id: 1 } })).toEqual(before);
  });
});

describe("rampart tenant account-code", () => {
  it("sets, shows and clears a tenant's account code; a taken one is refused", async () => {
    const name = `cli-${randomUUID()}`;
    const other = `cli-${randomUUID()}`;
    const code = `cli-${randomUUID().slice(0, 8)}`;
    await getDb().tenant.createMany({ data: [{ name }, { name: other }] });
    expect((await run(() => tenantAccountCode({ tenant: name, set: code }))).out).toBe(`${name}: account code ${code} (in force on the nodes from the next push)\n`);
    expect((await run(() => tenantAccountCode({ tenant: name }))).out).toBe(`${name}: account code ${code}\n`);
    const taken = await run(() => tenantAccountCode({ tenant: other, set: code }));
    expect(String(taken.error)).toContain(`already belongs to the tenant "${name}"`);
    expect((await run(() => tenantAccountCode({ tenant: name, set: "two words" }))).error).toBeInstanceOf(UsageError);
    expect((await run(() => tenantAccountCode({ tenant: name, set: "" }))).error).toBeInstanceOf(UsageError);
    expect((await run(() => tenantAccountCode({ tenant: name, clear: true }))).out).toContain("no account code");
    expect((await getDb().tenant.findUniqueOrThrow({ where: { name } })).accountCode).toBeNull();
  });
});
