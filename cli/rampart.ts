import { z } from "zod";
import { migrate, resolveDatabase } from "@/lib/runtime/database";
import { isAppError } from "@/lib/errors";
import { defineCommand, isUsageParseError, parseCommandArgs, type Command } from "./args";
import { checkAddressLines, readStdin } from "./commands/address";
import { LISTS_HELP, listsExport, listsExportOptions, listsImport, listsImportOptions } from "./commands/lists";
import { NODES_HELP, nodeAddOptions, nodesListOptions, nodesRepairOptions, secretsRotateOptions } from "./commands/nodes-options";
import { PUSH_HELP, pushOptions, rollbackOptions } from "./commands/push-options";
import { BANS_HELP, bansListOptions, statusOptions, unbanOptions } from "./commands/bans-options";
import { CALLS_HELP, callsListOptions } from "./commands/calls-options";
import { EXTENSION_HELP, extensionBlocksOptions, extensionUnblockOptions } from "./commands/extension-options";
import { GUARD_HELP, guardSet, guardSetOptions, guardShow, guardShowOptions } from "./commands/guard";
import { EXPOSURE_HELP, exposureSet, exposureSetOptions, exposureShow, exposureShowOptions, panelAddresses, panelAddressesOptions } from "./commands/exposure";
import { RATES_HELP, ratesExport, ratesExportOptions, ratesImport, ratesImportOptions, ratesPrice, ratesPriceOptions } from "./commands/rates";
import { render } from "./commands/render";
import { SETTINGS_HELP, autoWhitelistOptions, settingsAutoWhitelist } from "./commands/settings";
import {
  TENANT_HELP,
  tenantAccountCode,
  tenantAccountCodeOptions,
  tenantApprove,
  tenantDecisionOptions,
  tenantMinimums,
  tenantMinimumsOptions,
  tenantPending,
  tenantPendingOptions,
  tenantReject,
} from "./commands/tenant";
import { tokenCreate } from "./commands/token";
import { VERSIONS_HELP, versionsDiffOptions, versionsListOptions } from "./commands/versions-options";
import { userCreate, userResetPassword } from "./commands/user";
import { UsageError } from "./context";
import { formatZodError } from "./format";

// `npm run rampart -- <command>`: the same database, validation and data layer as the dashboard.

const HELP = `usage: rampart <command>

  address check -                         validate addresses/networks read from stdin, one JSON object per line
  user create --email E --role R [--tenant T] [--name N]
                                          create a user; prints the initial password once
  user reset-password --email E           set a new password (printed once) and end the user's sessions
  token create --name N --role R [--tenant T] [--expires-at DATE] [--owner EMAIL]
                                          create an API token; prints it alone on the last line. It expires
                                          within the token lifetime (default 90 days); with --owner it is
                                          that user's and is revoked with them, else it belongs to no user
  render --out DIR [--node NAME]          write the ruleset artefacts of the current policy (ipset, iptables,
                                          ip6tables, fail2ban, manifest.json) for a node or the whole cluster
  db migrate                              apply pending database migrations
${LISTS_HELP}
${SETTINGS_HELP}
${NODES_HELP}
${PUSH_HELP}
${VERSIONS_HELP}
${BANS_HELP}
${CALLS_HELP}
${GUARD_HELP}
${EXTENSION_HELP}
${TENANT_HELP}
${EXPOSURE_HELP}
${RATES_HELP}

roles: ADMIN, OPERATOR, TENANT_ADMIN, VIEWER`;

const commands: Record<string, Command> = {
  "address check": defineCommand({}, async (_values, positionals) => {
    if (positionals[0] !== "-") throw new UsageError("usage: address check -   (reads standard input)");
    for (const line of checkAddressLines(await readStdin())) process.stdout.write(`${line}\n`);
  }),
  "user create": defineCommand({ email: { type: "string" }, role: { type: "string" }, tenant: { type: "string" }, name: { type: "string" } }, userCreate),
  "user reset-password": defineCommand({ email: { type: "string" } }, userResetPassword),
  "token create": defineCommand(
    { name: { type: "string" }, role: { type: "string" }, tenant: { type: "string" }, "expires-at": { type: "string" }, owner: { type: "string" } },
    tokenCreate,
  ),
  "lists import": defineCommand(listsImportOptions, listsImport),
  "lists export": defineCommand(listsExportOptions, listsExport),
  "settings auto-whitelist": defineCommand(autoWhitelistOptions, settingsAutoWhitelist),
  // Loaded on use: the SSH and crypto modules behind them are not needed by any other command.
  "node add": defineCommand(nodeAddOptions, async (values) => (await import("./commands/nodes")).nodeAdd(values)),
  "nodes list": defineCommand(nodesListOptions, async (values) => (await import("./commands/nodes")).nodesList(values)),
  "nodes repair": defineCommand(nodesRepairOptions, async (values, positionals) => (await import("./commands/nodes")).nodesRepair(values, positionals)),
  push: defineCommand(pushOptions, async (values) => (await import("./commands/push")).push(values)),
  rollback: defineCommand(rollbackOptions, async (values) => (await import("./commands/push")).rollback(values)),
  "versions list": defineCommand(versionsListOptions, async (values) => (await import("./commands/versions")).versionsList(values)),
  "versions diff": defineCommand(versionsDiffOptions, async (values, positionals) => (await import("./commands/versions")).versionsDiff(values, positionals)),
  "secrets rotate": defineCommand(secretsRotateOptions, async (values) => (await import("./commands/nodes")).secretsRotate(values)),
  "bans list": defineCommand(bansListOptions, async (values) => (await import("./commands/bans")).bansList(values)),
  unban: defineCommand(unbanOptions, async (values, positionals) => (await import("./commands/bans")).unban(values, positionals)),
  status: defineCommand(statusOptions, async (values) => (await import("./commands/bans")).status(values)),
  "calls list": defineCommand(callsListOptions, async (values) => (await import("./commands/calls")).callsList(values)),
  "extension blocks": defineCommand(extensionBlocksOptions, async (values) => (await import("./commands/extension")).extensionBlocks(values)),
  "extension unblock": defineCommand(extensionUnblockOptions, async (values, positionals) =>
    (await import("./commands/extension")).extensionUnblock(values, positionals),
  ),
  "guard show": defineCommand(guardShowOptions, guardShow),
  "guard set": defineCommand(guardSetOptions, guardSet),
  "exposure show": defineCommand(exposureShowOptions, exposureShow),
  "exposure set": defineCommand(exposureSetOptions, exposureSet),
  "panel-addresses": defineCommand(panelAddressesOptions, panelAddresses),
  "tenant pending": defineCommand(tenantPendingOptions, tenantPending),
  "tenant approve": defineCommand(tenantDecisionOptions, tenantApprove),
  "tenant reject": defineCommand(tenantDecisionOptions, tenantReject),
  "tenant minimums": defineCommand(tenantMinimumsOptions, tenantMinimums),
  "tenant account-code": defineCommand(tenantAccountCodeOptions, tenantAccountCode),
  "rates import": defineCommand(ratesImportOptions, ratesImport),
  "rates export": defineCommand(ratesExportOptions, ratesExport),
  "rates price": defineCommand(ratesPriceOptions, ratesPrice),
  render: defineCommand({ out: { type: "string" }, node: { type: "string" } }, render),
  "db migrate": defineCommand({}, async () => {
    const database = await resolveDatabase((line) => console.log(line), { isTransient: true });
    try {
      await migrate(database.url, (line) => console.log(line));
    } finally {
      await database.close();
    }
  }),
};

async function main(argv: string[]): Promise<number> {
  // Commands are one or two words ("render", "user create").
  const name = commands[argv.slice(0, 2).join(" ")] ? argv.slice(0, 2).join(" ") : (argv[0] ?? "");
  const command = commands[name];
  if (!command) {
    console.error(argv.length === 0 || argv[0] === "help" || argv[0] === "--help" ? HELP : `unknown command: ${argv.join(" ")}\n\n${HELP}`);
    return argv.length === 0 || argv[0] === "help" || argv[0] === "--help" ? 0 : 2;
  }
  try {
    const { values, positionals } = parseCommandArgs(command.options, argv.slice(name.split(" ").length));
    await command.run(values, positionals);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || isAppError(error) || isUsageParseError(error)) {
      console.error(`rampart: ${error.message}`);
      return 2;
    }
    // Input a service refused with its shared schema (the command passed it on unchecked): a usage error too.
    if (error instanceof z.ZodError) {
      console.error(`rampart: ${formatZodError(error)}`);
      return 2;
    }
    console.error(`rampart: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
