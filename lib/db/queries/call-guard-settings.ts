import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { callGuardSettingsSchema, type CallGuardSettings } from "@/lib/validation/call-guard";
import { writeAudit } from "./audit";
import { loadCallGuardPolicy } from "./call-guard-policy";

// The call guard's own settings (the singleton call_guard_settings row): whether it enforces the limits at all,
// what a node does while the panel is unreachable, the longest call, and when the panel counts as unreachable.
// Everyone who reads the policy reads them; only administrators (settings:manage) change them, because switching
// the guard on or off decides for every tenant whether calls are refused. The nodes get them with the next push.

export interface CallGuardSettingsView extends CallGuardSettings {
  /** null only when the settings row is missing (the defaults below are in force). */
  updatedAt: Date | null;
}

/** The migration's defaults: the row exists after migrating, so these only answer a database created without it. */
const DEFAULTS: CallGuardSettings = { enabled: false, offlineMode: "REFUSE_INTERNATIONAL", maxCallSeconds: 14_400, staleAfterSeconds: 300 };

function toView(row: CallGuardSettings & { updatedAt: Date }): CallGuardSettingsView {
  return {
    enabled: row.enabled,
    offlineMode: row.offlineMode,
    maxCallSeconds: row.maxCallSeconds,
    staleAfterSeconds: row.staleAfterSeconds,
    updatedAt: row.updatedAt,
  };
}

const strip = ({ enabled, offlineMode, maxCallSeconds, staleAfterSeconds }: CallGuardSettings): CallGuardSettings => ({
  enabled,
  offlineMode,
  maxCallSeconds,
  staleAfterSeconds,
});

export async function getCallGuardSettings(caller: Caller): Promise<CallGuardSettingsView> {
  assertPermission(caller, "policy:read");
  const row = await getDb().callGuardSettings.findUnique({ where: { id: 1 } });
  return row ? toView(row) : { ...DEFAULTS, updatedAt: null };
}

export interface CallGuardStatus extends CallGuardSettingsView {
  /** One sentence per stored limit the guard cannot enforce (a tenant without an account code, …). */
  unenforced: string[];
}

/** The settings with the stored limits the guard cannot enforce, as the Call limits page, the API and the CLI show them. */
export async function getCallGuardStatus(caller: Caller): Promise<CallGuardStatus> {
  const settings = await getCallGuardSettings(caller);
  // After the permission check: the loader is the push's own, without a caller.
  const { unenforced } = await loadCallGuardPolicy();
  return { ...settings, unenforced };
}

/** Replaces every setting (administrators only), audited with before and after in the same transaction. */
export async function setCallGuardSettings(caller: Caller, input: CallGuardSettings): Promise<CallGuardSettingsView> {
  assertPermission(caller, "settings:manage");
  const value = callGuardSettingsSchema.parse(input);
  return getDb().$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO call_guard_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
    // Locked, so two administrators saving at once are audited one after the other with true before values.
    await tx.$queryRaw`SELECT id FROM call_guard_settings WHERE id = 1 FOR UPDATE`;
    const before = await tx.callGuardSettings.findUniqueOrThrow({ where: { id: 1 } });
    const after = await tx.callGuardSettings.update({ where: { id: 1 }, data: value });
    await writeAudit(tx, caller.actor, {
      action: "call-guard.update",
      objectType: "call-guard-settings",
      objectId: "1",
      before: strip(before),
      after: strip(after),
    });
    return toView(after);
  });
}
