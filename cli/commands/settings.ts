import { z } from "zod";
import type { Caller } from "@/lib/auth/caller";
import {
  readAutoWhitelistSettings,
  updateAutoWhitelistSettings,
  type AutoWhitelistSettingsView,
} from "@/lib/db/queries/auto-whitelist";
import { autoWhitelistSettingsSchema, describeSeconds, parseIntegerText } from "@/lib/validation/settings";
import { getCliActor, UsageError, withDatabase } from "../context";
import { formatZodError } from "../format";

// `rampart settings auto-whitelist`: the same schema and data layer as the dashboard and
// PUT /api/v1/settings/auto-whitelist, acting as the CLI actor with full rights (audited as such).

export const autoWhitelistOptions = {
  enable: { type: "boolean" },
  disable: { type: "boolean" },
  ttl: { type: "string" },
  json: { type: "boolean" },
} as const;

export const SETTINGS_HELP = `  settings auto-whitelist [--enable|--disable] [--ttl SECONDS] [--json]
                                          show (and change) the auto-whitelist of registered phones: each address a
                                          phone registers from becomes a SIP-scoped whitelist entry (SIP and RTP
                                          only, never SSH or other ports) that expires SECONDS (60 to 2592000) after
                                          the last registration and is renewed while the phone keeps registering`;

function cliCaller(): Caller {
  return { role: "ADMIN", tenantId: null, actor: getCliActor() };
}

/** The setting as terminal lines. */
export function formatAutoWhitelist(view: AutoWhitelistSettingsView): string[] {
  return [
    `auto-whitelist of registered phones: ${view.isEnabled ? "on" : "off"}`,
    `scope: ${view.scope} (SIP and RTP only; the blocklist, GeoIP, bans and scanner rules still apply)`,
    `time to live: ${view.ttlSeconds} seconds (${describeSeconds(view.ttlSeconds)}) after the last successful registration`,
    `entries in force: ${view.activeEntries.toLocaleString("en-US")}`,
    ...(!view.isEnabled && view.activeEntries > 0 ? ["(off: the entries in force stay until they expire)"] : []),
  ];
}

/** The change the flags ask for, or null to only show the setting. */
export function parseAutoWhitelistFlags(values: { enable?: boolean; disable?: boolean; ttl?: string }): z.output<typeof autoWhitelistSettingsSchema> | null {
  if (values.enable && values.disable) throw new UsageError("give --enable or --disable, not both");
  if (!values.enable && !values.disable && values.ttl === undefined) return null;
  const parsed = autoWhitelistSettingsSchema.safeParse({
    ...(values.enable ? { isEnabled: true } : values.disable ? { isEnabled: false } : {}),
    ...(values.ttl !== undefined ? { ttlSeconds: parseIntegerText(values.ttl) ?? Number.NaN } : {}),
  });
  if (!parsed.success) throw new UsageError(`${formatZodError(parsed.error)}\nusage:\n${SETTINGS_HELP}`);
  return parsed.data;
}

export async function settingsAutoWhitelist(values: { enable?: boolean; disable?: boolean; ttl?: string; json?: boolean }, positionals: string[]): Promise<void> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}\nusage:\n${SETTINGS_HELP}`);
  const change = parseAutoWhitelistFlags(values);
  await withDatabase(async () => {
    const view = change === null ? await readAutoWhitelistSettings(cliCaller()) : await updateAutoWhitelistSettings(cliCaller(), change);
    process.stdout.write(values.json ? `${JSON.stringify(view)}\n` : `${formatAutoWhitelist(view).join("\n")}\n`);
  });
}
