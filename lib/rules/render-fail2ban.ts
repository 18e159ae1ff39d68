/**
 * fail2ban configuration: the jails (jail.d/rampart.local, from the policy) plus Rampart's filter and action
 * files (constants in fail2ban/filters.ts).
 *
 * Every value written into jail.d/rampart.local is a number, a canonical address, an allow-listed path or a fixed
 * name; none can contain "%" (fail2ban interpolation), "[" at a line start (a section), a line break or a shell
 * metacharacter. The only action is rampart-ipset (ipset, which the push checks the node has): ban e-mail comes
 * from the panel's digests, so a node never needs sendmail or whois. Multi-value options
 * (logpath, ignoreip, action) put one value per indented continuation line.
 *
 * Operational notes for the apply step:
 *  - fail2ban 1.0 refuses to start at all if an enabled jail has no log file; manifest.json lists
 *    "requiredLogFiles", which the apply step creates (empty, if missing) before reloading fail2ban.
 *  - The VoIP jail reads both Asterisk logs. Where Asterisk logs a failure in both (security logging enabled),
 *    one attempt counts twice toward maxretry.
 */
import { ASTERISK_FILTER, BAN_ACTION_CONF, WEB_FILTER } from "./fail2ban/filters";
import type { Jail, RulesetModel } from "./model";
import { ARTEFACT_PATHS, BAN_ACTION } from "./names";

const CONTINUATION_INDENT = " ".repeat(10);

function multiline(key: string, values: readonly string[]): string[] {
  const [first, ...rest] = values;
  if (first === undefined) throw new Error(`fail2ban option ${key} needs a value.`);
  const head = `${key} = `;
  return [head + first, ...rest.map((value) => CONTINUATION_INDENT + value)];
}

function renderJail(jail: Jail): string[] {
  const actions = [`${BAN_ACTION}[setbase=${jail.banSetBase}]`];
  return [
    `[${jail.name}]`,
    "enabled = true",
    `filter = ${jail.filter}`,
    // Explicit, so a [DEFAULT] backend = systemd elsewhere cannot turn these file jails into journal readers.
    "backend = auto",
    "usedns = no",
    ...multiline("logpath", jail.logPaths),
    `maxretry = ${jail.maxRetry}`,
    `findtime = ${jail.findTimeSeconds}`,
    `bantime = ${jail.banTimeSeconds}`,
    ...multiline("ignoreip", jail.ignoreIp),
    ...multiline("action", actions),
    "",
  ];
}

/** jail.d/rampart.local; deterministic. A disabled jail has no section (fail2ban then stops it on reload). */
export function renderJailLocal(model: RulesetModel): string {
  return [
    "# Rampart fail2ban jails. Generated: do not edit; the next push overwrites this file.",
    "# Bans go into ipset sets matched by Rampart's iptables chains (action rampart-ipset), never one rule per ban.",
    "",
    ...model.jails.flatMap(renderJail),
  ].join("\n");
}

/** All fail2ban artefacts, keyed by artefact path. */
export function renderFail2banFiles(model: RulesetModel): Record<string, string> {
  return {
    [ARTEFACT_PATHS.jail]: renderJailLocal(model),
    [ARTEFACT_PATHS.asteriskFilter]: ASTERISK_FILTER,
    [ARTEFACT_PATHS.webFilter]: WEB_FILTER,
    [ARTEFACT_PATHS.banAction]: BAN_ACTION_CONF,
  };
}
