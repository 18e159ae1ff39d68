import type { Caller } from "@/lib/auth/caller";
import type { CallGuardStatus } from "@/lib/db/queries/call-guard-settings";
import {
  CALL_GUARD_ENFORCEMENT_TEXT,
  CALL_GUARD_OFF_TEXT,
  CALL_GUARD_OFFLINE_MODES,
  callGuardSettingsSchema,
  OFFLINE_MODE_TEXT,
  type CallGuardOfflineMode,
  type CallGuardSettings,
} from "@/lib/validation/call-guard";
import { parseIntegerText } from "@/lib/validation/settings";
import { getCliActor, UsageError, withDatabase } from "../context";
import { formatZodError } from "../format";
import { printable } from "./lists";

// `rampart guard show|set`: the call guard's settings through the same schema and data layer as the Call limits page
// and /api/v1/call-limits/guard, as the CLI actor (ADMIN, audited as cli:<os user>). The data layer is loaded on
// use, like the other commands that reach the database.

export const GUARD_HELP = `  guard show [--json]                     the call guard's settings and the stored limits it cannot enforce
  guard set [--enabled on|off] [--offline refuse-international|allow-capped] [--max-call SECONDS]
            [--stale-after SECONDS]       change the given settings (audited); the nodes get them with the next push.
                                          Off, the guard records calls but enforces nothing`;

export const guardShowOptions = { json: { type: "boolean" } } as const;
export const guardSetOptions = {
  enabled: { type: "string" },
  offline: { type: "string" },
  "max-call": { type: "string" },
  "stale-after": { type: "string" },
  json: { type: "boolean" },
} as const;

type SetValues = { enabled?: string; offline?: string; "max-call"?: string; "stale-after"?: string };

function cliCaller(): Caller {
  return { role: "ADMIN", tenantId: null, actor: getCliActor() };
}

/** "refuse-international" → REFUSE_INTERNATIONAL; anything else is left for the schema to name. */
function offlineMode(text: string): string {
  return text.trim().toUpperCase().replace(/-/g, "_");
}

/**
 * The settings after applying the given flags to the current ones, validated by the shared schema; null when no flag
 * asks for a change. Pure: throws a UsageError naming the flag or the field.
 */
export function applyGuardFlags(current: CallGuardSettings, values: SetValues): CallGuardSettings | null {
  if (values.enabled === undefined && values.offline === undefined && values["max-call"] === undefined && values["stale-after"] === undefined) return null;
  let enabled = current.enabled;
  if (values.enabled !== undefined) {
    const text = values.enabled.trim().toLowerCase();
    if (text !== "on" && text !== "off") throw new UsageError(`--enabled: write on or off, not "${printable(values.enabled)}".`);
    enabled = text === "on";
  }
  const parsed = callGuardSettingsSchema.safeParse({
    enabled,
    offlineMode: values.offline !== undefined ? offlineMode(values.offline) : current.offlineMode,
    maxCallSeconds: values["max-call"] !== undefined ? (parseIntegerText(values["max-call"]) ?? Number.NaN) : current.maxCallSeconds,
    staleAfterSeconds: values["stale-after"] !== undefined ? (parseIntegerText(values["stale-after"]) ?? Number.NaN) : current.staleAfterSeconds,
  });
  if (!parsed.success) throw new UsageError(`${formatZodError(parsed.error)}\nusage:\n${GUARD_HELP}`);
  return parsed.data;
}

const flagOf = (mode: CallGuardOfflineMode) => mode.toLowerCase().replace(/_/g, "-");

/** The status as terminal lines. Pure. */
export function formatGuardStatus(status: CallGuardStatus): string[] {
  return [
    status.enabled ? `call guard: on. ${CALL_GUARD_ENFORCEMENT_TEXT}` : `call guard: off. ${CALL_GUARD_OFF_TEXT}`,
    `when the panel is unreachable (--offline ${flagOf(status.offlineMode)}): ${OFFLINE_MODE_TEXT[status.offlineMode]}`,
    `longest call: ${status.maxCallSeconds} seconds`,
    `panel unreachable after: ${status.staleAfterSeconds} seconds without fresh cluster spend`,
    ...status.unenforced.map((line) => `not enforced: ${printable(line)}`),
  ];
}

export async function guardShow(values: { json?: boolean }): Promise<void> {
  await withDatabase(async () => {
    const { getCallGuardStatus } = await import("@/lib/db/queries/call-guard-settings");
    const status = await getCallGuardStatus(cliCaller());
    process.stdout.write(values.json ? `${JSON.stringify(status)}\n` : `${formatGuardStatus(status).join("\n")}\n`);
  });
}

export async function guardSet(values: SetValues & { json?: boolean }): Promise<void> {
  // Checked before the database is opened: a typo answers at once.
  if (values.offline !== undefined && !(CALL_GUARD_OFFLINE_MODES as readonly string[]).includes(offlineMode(values.offline))) {
    throw new UsageError(`--offline: write refuse-international or allow-capped, not "${printable(values.offline)}".`);
  }
  await withDatabase(async () => {
    const { getCallGuardSettings, getCallGuardStatus, setCallGuardSettings } = await import("@/lib/db/queries/call-guard-settings");
    const caller = cliCaller();
    const change = applyGuardFlags(await getCallGuardSettings(caller), values);
    if (change === null) throw new UsageError(`give at least one of --enabled, --offline, --max-call, --stale-after\nusage:\n${GUARD_HELP}`);
    await setCallGuardSettings(caller, change);
    const status = await getCallGuardStatus(caller);
    process.stdout.write(values.json ? `${JSON.stringify(status)}\n` : `${[...formatGuardStatus(status), "saved: the nodes get it with the next push"].join("\n")}\n`);
  });
}
