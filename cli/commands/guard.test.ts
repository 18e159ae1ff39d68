import { describe, expect, it } from "vitest";
import { UsageError } from "../context";
import { applyGuardFlags, formatGuardStatus } from "./guard";

const current = { enabled: false, offlineMode: "REFUSE_INTERNATIONAL" as const, maxCallSeconds: 14_400, staleAfterSeconds: 300 };

describe("rampart guard set flags", () => {
  it("changes only the given settings, spelling the offline behaviour in kebab case", () => {
    expect(applyGuardFlags(current, {})).toBeNull();
    expect(applyGuardFlags(current, { enabled: "ON" })).toEqual({ ...current, enabled: true });
    expect(applyGuardFlags(current, { offline: "allow-capped", "max-call": "3600", "stale-after": " 60 " })).toEqual({
      ...current,
      offlineMode: "ALLOW_CAPPED",
      maxCallSeconds: 3_600,
      staleAfterSeconds: 60,
    });
  });

  it("refuses what the schema refuses, naming the field, and on/off words only", () => {
    expect(() => applyGuardFlags(current, { enabled: "yes" })).toThrow(new UsageError('--enabled: write on or off, not "yes".'));
    expect(() => applyGuardFlags(current, { "max-call": "59" })).toThrow(/maxCallSeconds: Longest call: at least 60 s\./);
    expect(() => applyGuardFlags(current, { "stale-after": "5m" })).toThrow(/staleAfterSeconds: Panel unreachable after must be a whole number of seconds\./);
    expect(() => applyGuardFlags(current, { "stale-after": "" })).toThrow(/staleAfterSeconds/);
    expect(() => applyGuardFlags(current, { offline: "allow-all" })).toThrow(/offlineMode: Offline behaviour must be/);
  });

  it("says plainly when the guard enforces nothing, and lists each limit it cannot enforce", () => {
    const lines = formatGuardStatus({ ...current, updatedAt: null, unenforced: ["Tenant ACME: its limits are not enforced, it has no account code."] });
    expect(lines[0]).toBe("call guard: off. The call guard is off: it records calls but enforces nothing.");
    expect(lines[1]).toMatch(/^when the panel is unreachable \(--offline refuse-international\): Refuse international calls/);
    expect(lines.at(-1)).toBe("not enforced: Tenant ACME: its limits are not enforced, it has no account code.");
    expect(formatGuardStatus({ ...current, enabled: true, updatedAt: null, unenforced: [] })[0]).toMatch(/^call guard: on\. The call guard on each node checks/);
  });
});
