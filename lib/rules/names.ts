/**
 * Every name Rampart owns on a node, in one place: ipset sets, iptables chains, xt_recent lists, hashlimit
 * tables, fail2ban jails and artefact paths. Other modules (deploy, polling, drift checks) import these rather
 * than spelling names themselves.
 */
import { createHash } from "node:crypto";

import type { Family } from "./model";

/** Artefact paths: the contract with the apply step. */
export const ARTEFACT_PATHS = {
  ipset: "ipset.restore",
  iptables: "iptables.rules",
  ip6tables: "ip6tables.rules",
  jail: "fail2ban/jail.d/rampart.local",
  asteriskFilter: "fail2ban/filter.d/rampart-asterisk.conf",
  webFilter: "fail2ban/filter.d/rampart-web.conf",
  banAction: "fail2ban/action.d/rampart-ipset.conf",
  // The call guard (lib/guard/render.ts), in versions whose policy has one.
  guardPolicy: "guard/policy",
  guardDialplan: "guard/extensions_rampart.conf",
  guardAgi: "guard/rampart-guard-agi.sh",
  guardDecision: "guard/rampart-guard.sh",
  guardLib: "guard/guard-lib.sh",
  manifest: "manifest.json",
} as const;

/** The call guard's artefacts: present exactly when the version's policy has a call guard. */
export const GUARD_ARTEFACT_PATHS: readonly string[] = [
  ARTEFACT_PATHS.guardPolicy,
  ARTEFACT_PATHS.guardDialplan,
  ARTEFACT_PATHS.guardAgi,
  ARTEFACT_PATHS.guardDecision,
  ARTEFACT_PATHS.guardLib,
];

/** Chains, created and flushed by the rules files. Only RAMPART-INPUT is jumped to from INPUT. */
export const CHAINS = {
  input: "RAMPART-INPUT",
  sip: "RAMPART-SIP",
  scan: "RAMPART-SCAN",
  flood: "RAMPART-FLOOD",
} as const;

/**
 * management: management networks (cluster + node); panel: the panel's own addresses; whitelist: scope ALL;
 * sip-trusted: scope SIP and auto-whitelisted tenant networks; tenant: every tenant network in force.
 */
export type ListSetRole = "management" | "panel" | "whitelist" | "sip-trusted" | "blocklist" | "tenant" | "geoip";
export type BanSetRole = "ban-voip" | "ban-web" | "ban-recidive";

const LIST_CODES: Readonly<Record<ListSetRole, string>> = {
  management: "mg",
  panel: "pn",
  whitelist: "wl",
  "sip-trusted": "st",
  blocklist: "bl",
  tenant: "tr",
  geoip: "geo",
};

/**
 * List sets carry their type in the name ("rampart-bl4-ip", "rampart-bl4-net") because `ipset swap` refuses to
 * swap sets of different types: when a list gains its first network the set changes name, and the iptables rules
 * (re-rendered at the same time) follow.
 */
export function listSetName(role: ListSetRole, family: Family, type: "hash:ip" | "hash:net"): string {
  return `rampart-${LIST_CODES[role]}${family}-${type === "hash:ip" ? "ip" : "net"}`;
}

/** Suffix of the temporary names ipset.restore loads list sets under, before the apply step swaps them in. */
export const TEMP_SET_SUFFIX = "-new";

/** ipset's limit (IPSET_MAXNAMELEN 32 including the terminating NUL). */
export const MAX_SET_NAME_LENGTH = 31;

/** Base names of the ban sets fail2ban fills; the action appends the family ("rampart-f2b-voip4"). */
export const BAN_SET_BASES: Readonly<Record<BanSetRole, string>> = {
  "ban-voip": "rampart-f2b-voip",
  "ban-web": "rampart-f2b-web",
  "ban-recidive": "rampart-f2b-rec",
};

export function banSetName(role: BanSetRole, family: Family): string {
  return `${BAN_SET_BASES[role]}${family}`;
}

/**
 * Ban sets are created once and never swapped or flushed by Rampart (fail2ban owns their members), so their
 * parameters are constants: `ipset create -exist` in both ipset.restore and the fail2ban action must agree.
 */
export const BAN_SET_PARAMS = { hashsize: 1024, maxelem: 1_048_576, timeout: 0 } as const;

export const JAILS = {
  voip: "rampart-asterisk",
  /** FreePBX administration GUI and UCP logins (freepbx_security.log). */
  web: "rampart-web",
  /** HTTP authentication failures of the PBX's web server (Apache error log). */
  webAuth: "rampart-web-auth",
  recidive: "rampart-recidive",
} as const;

/** webAuth is fail2ban's own apache-auth filter, shipped with every fail2ban package. */
export const FILTERS = { asterisk: "rampart-asterisk", web: "rampart-web", webAuth: "apache-auth" } as const;
export const BAN_ACTION = "rampart-ipset";

/** xt_recent lists (one namespace for both families, hence the family suffix): /proc/net/xt_recent/<name>. */
export function recentListName(kind: "register" | "invite", family: Family): string {
  return `rampart-${kind === "register" ? "reg" : "inv"}${family}`;
}

/** Start of every hashlimit table name of one family ("rampart-sip4"); readers match tables by it. */
export function hashlimitPrefix(family: Family): string {
  return `rampart-sip${family}`;
}

/** hashlimit table of the SSH attempt limit ("rampart-ssh4-<digest>"); never read as a SIP rate table. */
export function sshLimitName(family: Family, perMinute: number): string {
  return `rampart-ssh${family}-${createHash("sha256").update(`ssh/${perMinute}`).digest("hex").slice(0, 8)}`;
}

export interface HashlimitParams {
  perSecond: number;
  burst: number;
  srcmask: number | null;
  expireMs: number;
}

/**
 * hashlimit table: /proc/net/ipt_hashlimit/<name> (IPv4) and /proc/net/ip6t_hashlimit/<name> (IPv6). The kernel
 * keeps a table's first rate and burst for as long as any rule names it, so a changed limit would never take
 * effect under the same name: the name carries a digest of the parameters ("rampart-sip4-1a2b3c4d").
 */
export function hashlimitName(family: Family, params: HashlimitParams): string {
  const key = `${params.perSecond}/${params.burst}/${params.srcmask ?? "-"}/${params.expireMs}`;
  return `${hashlimitPrefix(family)}-${createHash("sha256").update(key).digest("hex").slice(0, 8)}`;
}

export const LOG_PREFIXES = { scan: "rampart-scan: ", flood: "rampart-flood: " } as const;
