/**
 * Policy → model. Pure and deterministic: the same validated policy, node input, GeoIP data and `now` always
 * give the same model. The clock is an input; nothing here reads the environment or does I/O.
 *
 * Rule order in RAMPART-INPUT (both families; the chain is jumped to from INPUT position 1). "Management
 * ports" are the SSH, web UI, AMI and declared extra ports of the exposure policy.
 *   1. loopback accept; IPv6 only: neighbour discovery accept (ICMPv6 133-136, hop limit 255), which IPv6
 *      cannot work without, as IPv4 cannot without ARP (which iptables does not see)
 *   2. the panel's own addresses accept on the management ports: before anything that drops, whatever the
 *      lists say, so neither the policy nor a spoofed ban can lock the panel out
 *   3. SSH attempt limit (new connections per source and minute) drop, then management networks accept on the
 *      management ports (anti-lockout)
 *   4. whitelist accept: scope ALL entries only (administrators' full trust)
 *   5. blocklist drop, then fail2ban's ban sets drop (web bans on web ports only), then the TCP-flag port-scan drops
 *   6. GeoIP drop of packets that are not part of an established flow (FULL_SERVER: all ports; WEB_ONLY: web)
 *   7. SIP ports → RAMPART-SIP: scanner signatures → RAMPART-SCAN (log, drop); SIP-scoped trust (scope SIP
 *      entries, auto-whitelisted registrations, auto-whitelisted tenant networks) accept; REGISTER/INVITE
 *      floods (xt_recent) and the per-source packet rate (hashlimit) → RAMPART-FLOOD (log, drop)
 *   8. established/related accept; ICMP echo accept or drop (IPv6: the errors RFC 4890 requires, accepted)
 *   9. what the exposure policy opens: SIP and RTP to everyone or to allowed networks (tenant networks,
 *      management; RTP also SIP-trusted), the web UI to tenant networks or everyone
 *  10. the final action: DROP or REJECT (default deny, as every firewall of the seeds ends), or RETURN to the
 *      node's own INPUT policy
 * No rule ever accepts a SIP-trusted or tenant source on a port other than SIP, RTP or (web UI exposed to
 * allowed networks: tenant networks only) the web ports; lib/rules/scope.test.ts checks that over random policies.
 * Established/related is accepted after the drops on purpose: UDP SIP from a fixed source port becomes
 * ESTABLISHED once Asterisk answers its first REGISTER, so accepting established traffic first would exempt a
 * running brute-force attack from bans, blocklists and rate limits. GeoIP (5) spares established flows so
 * replies to the node's own outbound connections (provider trunks, updates) pass.
 */
import { addressToBigInt, type ParsedNetwork } from "@/lib/net/parse";
import { effectiveExposure, type Exposure } from "@/lib/validation/exposure";
import {
  checkNetworkText,
  DEFAULT_LOG_PATHS,
  type ParsedPolicy,
  type PolicySnapshot,
  type TrustScope,
  type ValidNodeRenderInput,
} from "@/lib/validation/policy";

import { buildGeoAllowSet, type GeoIpSource } from "./geoip";
import type {
  BanSet,
  Chain,
  Conflict,
  Family,
  FamilyFirewall,
  IpSet,
  Jail,
  ListSet,
  Match,
  Rule,
  RulesetModel,
  SetMember,
  Target,
  TcpFlag,
} from "./model";
import {
  BAN_SET_BASES,
  BAN_SET_PARAMS,
  banSetName,
  CHAINS,
  FILTERS,
  hashlimitName,
  JAILS,
  listSetName,
  LOG_PREFIXES,
  MAX_SET_NAME_LENGTH,
  recentListName,
  sshLimitName,
  TEMP_SET_SUFFIX,
  type BanSetRole,
  type ListSetRole,
} from "./names";

/** multiport takes at most 15 ports per rule. */
export const MULTIPORT_MAX = 15;
/** Conflicts listed in the manifest; the rest are counted. */
export const MAX_LISTED_CONFLICTS = 1000;
/** Comment on per-node management addresses (not from the policy). */
export const NODE_MANAGEMENT_COMMENT = "node management address";
/** Comment on the panel's own addresses. */
export const PANEL_COMMENT = "Rampart panel";
/** Rate of log lines from RAMPART-SCAN and RAMPART-FLOOD, per minute (burst: iptables' default 5). */
export const LOG_RATE_PER_MINUTE = 6;
/** IPv6 sources are rate-limited and counted per /64: one host usually holds a whole /64. */
export const IPV6_SOURCE_PREFIX = 64;
/**
 * An idle source keeps its hashlimit bucket this long. Without it (iptables 1.8.9, nft backend) a bucket is
 * dropped about 2 s after the source's last packet, so a source that pauses gets its whole burst back, and
 * the Node page's rate table would only ever show sources of the last 2 seconds.
 */
export const HASHLIMIT_EXPIRE_MS = 60_000;
/** How long an idle source keeps its SSH attempt bucket. */
export const SSH_LIMIT_EXPIRE_MS = 120_000;

const FULL_MASK: Readonly<Record<Family, string>> = { 4: "255.255.255.255", 6: "ffff:ffff:ffff:ffff::" };
const LOOPBACK_IGNORE = ["127.0.0.0/8", "::1"] as const;

export interface CompileOptions {
  /** The render's clock: entries whose expiry is at or before it are left out. */
  now: Date;
}

/** Entries of one list and family, as collected (parallel arrays: no object per entry on the hot path). */
class Collected {
  readonly parsed: ParsedNetwork[] = [];
  readonly comments: string[] = [];
  push(parsed: ParsedNetwork, comment: string): void {
    this.parsed.push(parsed);
    this.comments.push(comment);
  }
}

/** A sorted, deduplicated list: canonical text, comment and numeric bounds, index for index. */
interface SortedList<N extends number | bigint> {
  networks: string[];
  comments: string[];
  starts: ArrayLike<N>;
  ends: ArrayLike<N>;
  prefixes: ArrayLike<number>;
  allHosts: boolean;
}

const SORTED_ROLES = ["management", "panel", "whitelist", "sipTrusted", "noBan", "blocklist", "tenant"] as const;
type SortedRole = (typeof SORTED_ROLES)[number];
type ListsOfFamily<N extends number | bigint> = Record<SortedRole, SortedList<N>>;

/** The set role of each sorted list that becomes a set (noBan is only ever ignoreip). */
const SET_ROLE: Readonly<Partial<Record<SortedRole, ListSetRole>>> = {
  management: "management",
  panel: "panel",
  whitelist: "whitelist",
  sipTrusted: "sip-trusted",
  blocklist: "blocklist",
  tenant: "tenant",
};

/** Builds the ruleset model from a validated policy; deterministic, never reads the clock or the environment. */
export function compileRuleset(
  policy: ParsedPolicy,
  node: ValidNodeRenderInput,
  geo: GeoIpSource,
  options: CompileOptions,
): RulesetModel {
  const nowMs = options.now.getTime();
  if (!Number.isFinite(nowMs)) throw new Error("compileRuleset: options.now is not a valid date.");
  const { snapshot, networks } = policy;
  const warnings: string[] = [];
  let expired = 0;
  let nextExpiryMs = Infinity;

  /** Active entries of one list, split per family. */
  const collect = (
    entries: readonly { comment: string; expiresAt?: string | null }[],
    parsed: readonly ParsedNetwork[],
    into: Record<Family, Collected>,
    listName: string,
  ): void => {
    let overBroad = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as { comment: string; expiresAt?: string | null };
      const network = parsed[i] as ParsedNetwork;
      const expiresAt = entry.expiresAt;
      if (expiresAt !== undefined && expiresAt !== null) {
        const at = Date.parse(expiresAt);
        if (at <= nowMs) {
          expired++;
          continue;
        }
        if (at < nextExpiryMs) nextExpiryMs = at;
      }
      if (network.isOverBroad) overBroad++;
      into[network.family].push(network, entry.comment);
    }
    if (overBroad > 0) warnings.push(`${listName}: ${overBroad} over-broad network(s) (IPv4 shorter than /8, IPv6 shorter than /32).`);
  };

  const perFamily = (): Record<Family, Collected> => ({ 4: new Collected(), 6: new Collected() });
  const raw: Record<SortedRole, Record<Family, Collected>> = {
    management: perFamily(),
    panel: perFamily(),
    whitelist: perFamily(),
    sipTrusted: perFamily(),
    noBan: perFamily(),
    blocklist: perFamily(),
    tenant: perFamily(),
  };
  const addFixed = (texts: readonly string[] | undefined, into: Record<Family, Collected>, comment: string, what: string) => {
    for (const text of texts ?? []) {
      const parsed = checkNetworkText(text);
      if (!parsed.ok) throw new Error(`compileRuleset: ${what} ${text} is not valid: ${parsed.error}`);
      into[parsed.value.family].push(parsed.value, comment);
    }
  };
  collect(snapshot.management, networks.management, raw.management, "Management access");
  addFixed(node.managementAddresses, raw.management, NODE_MANAGEMENT_COMMENT, "node management address");
  addFixed(node.panelAddresses, raw.panel, PANEL_COMMENT, "panel address");
  // Whitelist entries by trust scope: ALL is the whitelist set, SIP the SIP-trusted set, NO_BAN only ignoreip.
  const byScope: Record<TrustScope, { entries: PolicySnapshot["whitelist"][number][]; parsed: ParsedNetwork[] }> = {
    ALL: { entries: [], parsed: [] },
    SIP: { entries: [], parsed: [] },
    NO_BAN: { entries: [], parsed: [] },
  };
  snapshot.whitelist.forEach((entry, i) => {
    const bucket = byScope[entry.scope ?? "ALL"];
    bucket.entries.push(entry);
    bucket.parsed.push(networks.whitelist[i] as ParsedNetwork);
  });
  collect(byScope.ALL.entries, byScope.ALL.parsed, raw.whitelist, "Whitelist");
  collect(byScope.SIP.entries, byScope.SIP.parsed, raw.sipTrusted, "Whitelist (SIP scope)");
  collect(byScope.NO_BAN.entries, byScope.NO_BAN.parsed, raw.noBan, "Whitelist (never banned)");
  collect(snapshot.blocklist, networks.blocklist, raw.blocklist, "Blocklist");
  snapshot.tenants.forEach((tenant, index) => {
    const parsed = networks.tenantRestrictions[index] ?? [];
    const before = { 4: raw.tenant[4].parsed.length, 6: raw.tenant[6].parsed.length };
    collect(tenant.restrictions, parsed, raw.tenant, "Tenant restrictions");
    if (tenant.autoWhitelistRestrictions) {
      // A tenant's networks are never more than SIP-scoped trust: never the cluster whitelist, never ahead of
      // the blocklist, never on a port other than SIP and RTP.
      for (const family of [4, 6] as const) {
        const from = raw.tenant[family];
        for (let i = before[family]; i < from.parsed.length; i++) raw.sipTrusted[family].push(from.parsed[i] as ParsedNetwork, from.comments[i] as string);
      }
    }
  });

  let duplicates = 0;
  const sortAll = <N extends number | bigint>(family: Family, sort: (list: Collected) => { list: SortedList<N>; duplicates: number }) => {
    const out = {} as ListsOfFamily<N>;
    for (const role of SORTED_ROLES) {
      const result = sort(raw[role][family]);
      duplicates += result.duplicates;
      out[role] = result.list;
    }
    return out;
  };
  const lists4 = sortAll<number>(4, sortIpv4);
  const lists6 = sortAll<bigint>(6, sortIpv6);

  // Whitelist wins over blocklist; management overlaps are reported (the management rule precedes on its ports).
  const conflicts: Conflict[] = [];
  let conflictsNotListed = 0;
  const report = (conflict: Conflict) => {
    if (conflicts.length < MAX_LISTED_CONFLICTS) conflicts.push(conflict);
    else conflictsNotListed++;
  };
  let whitelisted = 0;
  const resolve = <N extends number | bigint>(lists: ListsOfFamily<N>) => {
    const keep = sweepOverlaps(lists.blocklist, lists.whitelist, (blocked, allowed, blockedInside) => {
      report({
        kind: "whitelist-overrides-blocklist",
        blocklist: lists.blocklist.networks[blocked] as string,
        whitelist: lists.whitelist.networks[allowed] as string,
        resolution: blockedInside ? "dropped-from-blocklist" : "whitelist-rule-precedes",
      });
      return blockedInside;
    });
    if (keep !== null) {
      const before = lists.blocklist.networks.length;
      lists.blocklist = selectEntries(lists.blocklist, keep);
      whitelisted += before - lists.blocklist.networks.length;
    }
    sweepOverlaps(lists.blocklist, lists.management, (blocked, managed) => {
      report({
        kind: "management-overlaps-blocklist",
        blocklist: lists.blocklist.networks[blocked] as string,
        management: lists.management.networks[managed] as string,
      });
      return false;
    });
  };
  resolve(lists4);
  resolve(lists6);

  // Sets.
  const listSets: ListSet[] = [];
  const setName: Record<Family, Partial<Record<ListSetRole, string>>> = { 4: {}, 6: {} };
  const addListSet = (role: ListSetRole, family: Family, networks: readonly string[], comments: readonly string[] | null, allHosts: boolean) => {
    const type = allHosts ? "hash:ip" : "hash:net";
    const name = listSetName(role, family, type);
    if (name.length + TEMP_SET_SUFFIX.length > MAX_SET_NAME_LENGTH) throw new Error(`Set name too long: ${name}`);
    setName[family][role] = name;
    const members: SetMember[] = new Array(networks.length);
    for (let i = 0; i < networks.length; i++) members[i] = { network: networks[i] as string, comment: comments === null ? "" : (comments[i] as string) };
    listSets.push({ lifecycle: "swap", role, family, name, type, ...sizeSet(networks.length), members });
  };
  for (const [family, lists] of [[4, lists4], [6, lists6]] as const) {
    for (const role of SORTED_ROLES) {
      const setRole = SET_ROLE[role];
      if (setRole === undefined) continue;
      const list: SortedList<number | bigint> = lists[role];
      addListSet(setRole, family, list.networks, list.comments, list.allHosts);
    }
  }

  const geoCountries = [...snapshot.geoip.countries].sort();
  let countriesWithoutData: string[] = [];
  if (snapshot.geoip.mode !== "OFF") {
    for (const family of [4, 6] as const) {
      // Country data is ranges turned into CIDRs: always networks.
      const allow = buildGeoAllowSet(geo, geoCountries, family);
      addListSet("geoip", family, allow.networks, null, false);
    }
    countriesWithoutData = geoCountries.filter((country) => geo.ranges(country, 4).length + geo.ranges(country, 6).length === 0);
    if (countriesWithoutData.length > 0) {
      warnings.push(`GeoIP: no address data for ${countriesWithoutData.join(", ")}; nothing is allowed from there.`);
    }
    if (lists4.management.networks.length + lists6.management.networks.length === 0) {
      warnings.push(
        snapshot.geoip.mode === "FULL_SERVER"
          ? "GeoIP full-server mode with an empty management list: SSH and web access from outside the allowed countries is dropped."
          : "GeoIP web-only mode with an empty management list: web access from outside the allowed countries is dropped.",
      );
    }
  }

  const f2b = snapshot.fail2ban;
  const banRoles: BanSetRole[] = [];
  if (f2b.voipJailEnabled) banRoles.push("ban-voip");
  if (f2b.webJailEnabled) banRoles.push("ban-web");
  if (f2b.recidive.enabled) banRoles.push("ban-recidive");
  const banSets: BanSet[] = [];
  for (const family of [4, 6] as const) {
    for (const role of banRoles) {
      banSets.push({ lifecycle: "persistent", role, family, name: banSetName(role, family), type: "hash:ip", ...BAN_SET_PARAMS });
    }
  }

  const sets: IpSet[] = [...listSets, ...banSets];
  const exposure = effectiveExposure(snapshot.exposure, node.exposureOverride);
  const panelAddresses = [...lists4.panel.networks, ...lists6.panel.networks];
  if (exposure.finalAction === "RETURN") {
    warnings.push("No default deny: what Rampart's chain does not accept or drop is left to the node's own INPUT policy.");
  }
  if (panelAddresses.length === 0) {
    warnings.push("No panel address: nothing exempts the panel from the management-port rules and the jails of this render.");
  }
  const firewall: FamilyFirewall[] = ([4, 6] as const).map((family) => ({
    family,
    chains: buildChains(family, policy, exposure, setName[family] as Record<ListSetRole, string>, banRoles),
  }));

  // fail2ban. The panel, management networks and ALL-scope entries are never banned by any jail; SIP- and
  // NO_BAN-scoped entries (and auto-whitelisted tenant networks) only by the VoIP jail.
  const logPaths = node.logPaths ?? DEFAULT_LOG_PATHS;
  const trustedAll = (lists: ListsOfFamily<number> | ListsOfFamily<bigint>) => [lists.panel, lists.management, lists.whitelist] as SortedList<number | bigint>[];
  const trustedVoip = (lists: ListsOfFamily<number> | ListsOfFamily<bigint>) => [...trustedAll(lists), lists.sipTrusted, lists.noBan] as SortedList<number | bigint>[];
  const ignoreIp = [...LOOPBACK_IGNORE, ...mergeLists(trustedAll(lists4)), ...mergeLists(trustedAll(lists6))];
  const ignoreIpVoip = [...LOOPBACK_IGNORE, ...mergeLists(trustedVoip(lists4)), ...mergeLists(trustedVoip(lists6))];
  const jails: Jail[] = [];
  const jail = (name: string, filter: string, paths: string[], role: BanSetRole, ignore: string[], limits: { maxRetry: number; findTimeSeconds: number; banTimeSeconds: number }): Jail => ({
    name,
    filter,
    logPaths: paths,
    ...limits,
    ignoreIp: ignore,
    banSetBase: BAN_SET_BASES[role],
  });
  const firstOffence = { maxRetry: f2b.maxRetry, findTimeSeconds: f2b.findTimeSeconds, banTimeSeconds: f2b.banTimeSeconds };
  if (f2b.voipJailEnabled) {
    jails.push(jail(JAILS.voip, FILTERS.asterisk, [logPaths.asteriskMessages, logPaths.asteriskSecurity], "ban-voip", ignoreIpVoip, firstOffence));
  }
  if (f2b.webJailEnabled) {
    // The PBX's own web interfaces: FreePBX's administration GUI and UCP (freepbx_security.log, filter
    // rampart-web) and the web server's HTTP authentication (fail2ban's stock apache-auth). Both ban into the web set.
    jails.push(jail(JAILS.web, FILTERS.web, [logPaths.freepbxSecurity], "ban-web", ignoreIp, firstOffence));
    jails.push(jail(JAILS.webAuth, FILTERS.webAuth, [logPaths.webServerError], "ban-web", ignoreIp, firstOffence));
  }
  if (f2b.recidive.enabled) {
    // The stock recidive filter, told our jail's name so it does not count its own bans.
    jails.push(
      jail(JAILS.recidive, `recidive[_jailname=${JAILS.recidive}]`, [logPaths.fail2ban], "ban-recidive", ignoreIp, {
        maxRetry: f2b.recidive.maxRetry,
        findTimeSeconds: f2b.recidive.findTimeSeconds,
        banTimeSeconds: f2b.recidive.banTimeSeconds,
      }),
    );
  }
  const requiredLogFiles = [...new Set(jails.flatMap((jail) => jail.logPaths))].sort();

  return {
    sets,
    firewall,
    jails,
    conflicts,
    conflictsNotListed,
    warnings,
    dropped: { expired, duplicates, whitelisted },
    nextExpiryAt: Number.isFinite(nextExpiryMs) ? new Date(nextExpiryMs).toISOString() : null,
    geoip: {
      mode: snapshot.geoip.mode,
      countries: geoCountries,
      datasetId: snapshot.geoip.mode === "OFF" ? null : geo.datasetId,
      countriesWithoutData,
    },
    exposure,
    panelAddresses,
    requiredLogFiles,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Members: numeric keys, sort, dedupe
// ---------------------------------------------------------------------------------------------------------

/**
 * The value of a canonical IPv4 address text that lib/net produced (already validated): a digit loop, because
 * the bigint route costs ~0.5 µs per entry on million-entry lists. Throws on anything else.
 */
function canonicalIpv4Value(address: string): number {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c === 46) {
      value = value * 256 + octet;
      octet = 0;
    } else if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
    } else {
      throw new Error(`Not canonical IPv4 text: ${address}`);
    }
  }
  return value * 256 + octet;
}

/** One pass of a stable counting sort of `from` into `to` by key(index) in [0, buckets). */
function countingPass(from: Uint32Array, to: Uint32Array, buckets: number, key: (index: number) => number): void {
  const counts = new Uint32Array(buckets + 1);
  for (let i = 0; i < from.length; i++) {
    const k = key(from[i] as number) + 1;
    counts[k] = (counts[k] as number) + 1;
  }
  for (let b = 0; b < buckets; b++) counts[b + 1] = (counts[b + 1] as number) + (counts[b] as number);
  for (let i = 0; i < from.length; i++) {
    const index = from[i] as number;
    const k = key(index);
    to[counts[k] as number] = index;
    counts[k] = (counts[k] as number) + 1;
  }
}

/** Below this many entries a comparison sort is cheaper than clearing 2 x 65,536 counters. */
const RADIX_SORT_FROM = 50_000;

/** Sorted order of IPv4 entries by (address, prefix length): LSD radix sort for large lists, linear in the count. */
function sortIpv4(list: Collected): { list: SortedList<number>; duplicates: number } {
  const n = list.parsed.length;
  const value = new Float64Array(n);
  const prefix = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = list.parsed[i] as ParsedNetwork;
    value[i] = canonicalIpv4Value(p.address);
    prefix[i] = p.prefixLength;
  }
  let order: Uint32Array;
  if (n < RADIX_SORT_FROM) {
    order = Uint32Array.from({ length: n }, (_, i) => i).sort(
      (i, j) => (value[i] as number) - (value[j] as number) || (prefix[i] as number) - (prefix[j] as number),
    );
  } else {
    let a = new Uint32Array(n);
    let b = new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    countingPass(a, b, 33, (i) => prefix[i] as number);
    [a, b] = [b, a];
    countingPass(a, b, 65_536, (i) => (value[i] as number) % 65_536);
    [a, b] = [b, a];
    countingPass(a, b, 65_536, (i) => Math.floor((value[i] as number) / 65_536));
    order = b;
  }
  const b = order;
  return dedupe(list, b, (i) => value[i] as number, (i) => (value[i] as number) + 2 ** (32 - (prefix[i] as number)) - 1, (i, j) => value[i] === value[j] && prefix[i] === prefix[j], () => new Float64Array(n));
}

/** Sorted order of IPv6 entries by (address, prefix length). */
function sortIpv6(list: Collected): { list: SortedList<bigint>; duplicates: number } {
  const n = list.parsed.length;
  const value: bigint[] = new Array(n);
  for (let i = 0; i < n; i++) value[i] = addressToBigInt(list.parsed[i] as ParsedNetwork);
  const prefixOf = (i: number) => (list.parsed[i] as ParsedNetwork).prefixLength;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => {
    const x = value[i] as bigint;
    const y = value[j] as bigint;
    return x < y ? -1 : x > y ? 1 : prefixOf(i) - prefixOf(j);
  });
  return dedupe(
    list,
    order,
    (i) => value[i] as bigint,
    (i) => (value[i] as bigint) + (1n << BigInt(128 - prefixOf(i))) - 1n,
    (i, j) => value[i] === value[j] && prefixOf(i) === prefixOf(j),
    () => new Array<bigint>(n),
  );
}

/** Walks the sorted order; duplicates collapse, keeping the smallest non-empty comment. */
function dedupe<N extends number | bigint>(
  list: Collected,
  order: Uint32Array,
  startOf: (i: number) => N,
  endOf: (i: number) => N,
  same: (i: number, j: number) => boolean,
  makeArray: () => { [index: number]: N; length: number },
): { list: SortedList<N>; duplicates: number } {
  const networks: string[] = [];
  const comments: string[] = [];
  const starts = makeArray();
  const ends = makeArray();
  const prefixes = new Uint8Array(order.length);
  let allHosts = true;
  let previous = -1;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const comment = list.comments[i] as string;
    if (previous >= 0 && same(previous, i)) {
      const last = comments.length - 1;
      const kept = comments[last] as string;
      if (comment !== "" && (kept === "" || comment < kept)) comments[last] = comment;
      continue;
    }
    const p = list.parsed[i] as ParsedNetwork;
    const at = networks.length;
    networks.push(p.canonical);
    comments.push(comment);
    starts[at] = startOf(i);
    ends[at] = endOf(i);
    prefixes[at] = p.prefixLength;
    if (!p.isHost) allHosts = false;
    previous = i;
  }
  const count = networks.length;
  const trim = <T extends ArrayLike<unknown>>(array: T): T =>
    (array instanceof Float64Array ? array.subarray(0, count) : Array.prototype.slice.call(array, 0, count)) as unknown as T;
  return {
    list: { networks, comments, starts: trim(starts as ArrayLike<N>), ends: trim(ends as ArrayLike<N>), prefixes: prefixes.subarray(0, count), allHosts },
    duplicates: order.length - count,
  };
}

/** The entries of a sorted list whose index is set in keep. */
function selectEntries<N extends number | bigint>(list: SortedList<N>, keep: Uint8Array): SortedList<N> {
  const networks: string[] = [];
  const comments: string[] = [];
  const starts: N[] = [];
  const ends: N[] = [];
  const prefixes: number[] = [];
  let allHosts = true;
  for (let i = 0; i < list.networks.length; i++) {
    if (keep[i] !== 1) continue;
    networks.push(list.networks[i] as string);
    comments.push(list.comments[i] as string);
    starts.push(list.starts[i] as N);
    ends.push(list.ends[i] as N);
    prefixes.push(list.prefixes[i] as number);
    if ((list.prefixes[i] as number) !== (typeof list.starts[i] === "bigint" ? 128 : 32)) allHosts = false;
  }
  return { networks, comments, starts, ends, prefixes, allHosts };
}

/**
 * For each entry of `subject` (sorted), reports every entry of `other` (sorted) it overlaps. CIDRs either nest
 * or are disjoint, so an overlap means one contains the other; `onOverlap` gets the two indices and whether the
 * subject entry lies inside the other one, and returns true to leave the subject entry out. Returns the keep
 * mask, or null when nothing can overlap.
 */
function sweepOverlaps<N extends number | bigint>(
  subject: SortedList<N>,
  other: SortedList<N>,
  onOverlap: (subjectIndex: number, otherIndex: number, subjectInside: boolean) => boolean,
): Uint8Array | null {
  if (other.networks.length === 0 || subject.networks.length === 0) return null;
  // Only outermost entries of `other`: a nested entry adds nothing to containment.
  const outer: number[] = [];
  for (let i = 0; i < other.networks.length; i++) {
    const last = outer[outer.length - 1];
    if (last !== undefined && (other.starts[i] as N) <= (other.ends[last] as N)) continue;
    outer.push(i);
  }
  const keep = new Uint8Array(subject.networks.length).fill(1);
  let j = 0;
  for (let s = 0; s < subject.networks.length; s++) {
    const start = subject.starts[s] as N;
    const end = subject.ends[s] as N;
    while (j < outer.length && (other.ends[outer[j] as number] as N) < start) j++;
    const first = outer[j];
    if (first !== undefined && (other.starts[first] as N) <= start && (other.ends[first] as N) >= end) {
      if (onOverlap(s, first, true)) keep[s] = 0;
      continue;
    }
    for (let k = j; k < outer.length && (other.starts[outer[k] as number] as N) <= end; k++) onOverlap(s, outer[k] as number, false);
  }
  return keep;
}

/** Networks of several sorted lists of one family, merged in order without duplicates (for ignoreip). */
function mergeLists<N extends number | bigint>(lists: readonly SortedList<N>[]): string[] {
  const items: { network: string; start: N; prefix: number }[] = [];
  for (const list of lists) {
    for (let i = 0; i < list.networks.length; i++) items.push({ network: list.networks[i] as string, start: list.starts[i] as N, prefix: list.prefixes[i] as number });
  }
  items.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : x.prefix - y.prefix));
  const out: string[] = [];
  for (const item of items) if (out[out.length - 1] !== item.network) out.push(item.network);
  return out;
}

/**
 * hashsize: a power of two of at least half the count (about two entries per bucket, so restoring a large set
 * never triggers a resize; ipset's minimum is 64). maxelem: 25% headroom, never below ipset's default 65536.
 */
export function sizeSet(count: number): { hashsize: number; maxelem: number } {
  let hashsize = 64;
  while (hashsize * 2 < count) hashsize *= 2;
  return { hashsize, maxelem: Math.max(65_536, Math.ceil(count * 1.25)) };
}

// ---------------------------------------------------------------------------------------------------------
// Chains
// ---------------------------------------------------------------------------------------------------------

const ACCEPT: Target = { kind: "ACCEPT" };
const DROP: Target = { kind: "DROP" };
const RETURN: Target = { kind: "RETURN" };

function chunk<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

function sortedUnique(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** One rule per protocol and per chunk of at most 15 ports. */
function perPorts(protocols: readonly ("tcp" | "udp")[], ports: readonly number[], build: (head: Match[]) => Rule): Rule[] {
  const rules: Rule[] = [];
  for (const protocol of protocols) {
    for (const group of chunk(ports, MULTIPORT_MAX)) {
      rules.push(build([{ kind: "protocol", protocol }, { kind: "dports", ports: group }]));
    }
  }
  return rules;
}

/** The seeds' TCP-flag drops: NULL, all flags, nmap's XMAS, SYN+FIN, SYN+RST; then a new flow that does not start with SYN. */
const ALL_FLAGS: readonly TcpFlag[] = ["FIN", "SYN", "RST", "PSH", "ACK", "URG"];
const PORT_SCAN_FLAGS: readonly { mask: readonly TcpFlag[]; set: readonly TcpFlag[] }[] = [
  { mask: ALL_FLAGS, set: [] },
  { mask: ALL_FLAGS, set: ALL_FLAGS },
  { mask: ALL_FLAGS, set: ["FIN", "PSH", "URG"] },
  { mask: ["FIN", "SYN"], set: ["FIN", "SYN"] },
  { mask: ["SYN", "RST"], set: ["SYN", "RST"] },
];
/** ICMPv6 errors IPv6 cannot work without (RFC 4890): destination unreachable, packet too big, time exceeded, parameter problem. */
const ICMP6_ERRORS = [1, 2, 3, 4] as const;

function buildChains(family: Family, policy: ParsedPolicy, exposure: Exposure, sets: Record<ListSetRole, string>, banRoles: readonly BanSetRole[]): Chain[] {
  const { snapshot } = policy;
  const rate = snapshot.rateLimit;
  const sshPorts = sortedUnique(snapshot.platform.sshPorts);
  const webPorts = sortedUnique(snapshot.platform.webPorts);
  // Services only the management networks and the panel reach (the web UI is always among them: anti-lockout).
  const managedTcp = sortedUnique([...sshPorts, ...webPorts, ...exposure.amiPorts, ...exposure.extraTcpPorts]);
  const managedUdp = sortedUnique(exposure.extraUdpPorts);
  const sipPorts = sortedUnique(rate.sipPorts);
  const sipProtocols: ("tcp" | "udp")[] = [];
  if (rate.transports.includes("TCP") || rate.transports.includes("TLS")) sipProtocols.push("tcp");
  if (rate.transports.includes("UDP")) sipProtocols.push("udp");
  const fromSet = (name: string, negate = false): Match => ({ kind: "set", name, negate });
  const rtpRange: Match[] = [{ kind: "protocol", protocol: "udp" }, { kind: "dport-range", protocol: "udp", min: rate.rtpPortMin, max: rate.rtpPortMax }];

  const input: Rule[] = [{ stage: "loopback", matches: [{ kind: "in-interface", name: "lo" }], target: ACCEPT }];
  if (family === 6) {
    for (const type of [133, 134, 135, 136]) {
      input.push({
        stage: "neighbour-discovery",
        matches: [{ kind: "protocol", protocol: "ipv6-icmp" }, { kind: "icmp6-type", type }, { kind: "hop-limit", equals: 255 }],
        target: ACCEPT,
      });
    }
  }
  // The panel first, on every management port, whatever the lists say: no policy and no attacker locks it out.
  const managementAccept = (stage: "panel" | "management", set: string): Rule[] => [
    ...perPorts(["tcp"], managedTcp, (head) => ({ stage, matches: [...head, fromSet(set)], target: ACCEPT })),
    ...perPorts(["udp"], managedUdp, (head) => ({ stage, matches: [...head, fromSet(set)], target: ACCEPT })),
  ];
  input.push(...managementAccept("panel", sets.panel));
  if (exposure.sshNewPerMinute !== null) {
    // XCALLY's SSH limit: new connections per source and minute (the panel is accepted above, so never limited).
    const perMinute = exposure.sshNewPerMinute;
    input.push(
      ...perPorts(["tcp"], sshPorts, (head) => ({
        stage: "ssh-limit",
        matches: [
          ...head,
          { kind: "ctstate-new" },
          {
            kind: "hashlimit-above",
            name: sshLimitName(family, perMinute),
            perSecond: perMinute,
            unit: "minute",
            burst: perMinute,
            srcmask: family === 6 ? IPV6_SOURCE_PREFIX : null,
            // Two minutes (iptables leaves out the per-minute default, 60 s, from its listing; this reads the same both ways).
            expireMs: SSH_LIMIT_EXPIRE_MS,
          },
        ],
        target: DROP,
      })),
    );
  }
  input.push(...managementAccept("management", sets.management));
  input.push({ stage: "whitelist", matches: [fromSet(sets.whitelist)], target: ACCEPT });
  input.push({ stage: "blocklist", matches: [fromSet(sets.blocklist)], target: DROP });
  for (const role of banRoles) {
    const name = banSetName(role, family);
    if (role === "ban-web") {
      input.push(...perPorts(["tcp"], webPorts, (head) => ({ stage: "fail2ban", matches: [...head, fromSet(name)], target: DROP })));
    } else {
      input.push({ stage: "fail2ban", matches: [fromSet(name)], target: DROP });
    }
  }
  if (exposure.dropPortScans) {
    for (const flags of PORT_SCAN_FLAGS) {
      input.push({ stage: "port-scan", matches: [{ kind: "protocol", protocol: "tcp" }, { kind: "tcp-flags", mask: flags.mask, set: flags.set, negate: false }], target: DROP });
    }
    input.push({
      stage: "port-scan",
      matches: [{ kind: "protocol", protocol: "tcp" }, { kind: "tcp-flags", mask: ["FIN", "SYN", "RST", "ACK"], set: ["SYN"], negate: true }, { kind: "ctstate-new" }],
      target: DROP,
    });
  }
  const notEstablished: Match = { kind: "ctstate-established", negate: true };
  if (snapshot.geoip.mode === "FULL_SERVER") {
    input.push({ stage: "geoip", matches: [notEstablished, fromSet(sets.geoip, true)], target: DROP });
  } else if (snapshot.geoip.mode === "WEB_ONLY") {
    input.push(
      ...perPorts(["tcp"], webPorts, (head) => ({ stage: "geoip", matches: [...head, notEstablished, fromSet(sets.geoip, true)], target: DROP })),
    );
  }
  input.push(...perPorts(sipProtocols, sipPorts, (head) => ({ stage: "sip", matches: head, target: { kind: "jump", chain: CHAINS.sip } })));
  input.push({ stage: "established", matches: [{ kind: "ctstate-established", negate: false }], target: ACCEPT });
  if (family === 4) {
    input.push({ stage: "icmp", matches: [{ kind: "protocol", protocol: "icmp" }, { kind: "icmp-type", type: 8 }], target: exposure.icmpEcho ? ACCEPT : DROP });
  } else {
    for (const type of ICMP6_ERRORS) {
      input.push({ stage: "icmp", matches: [{ kind: "protocol", protocol: "ipv6-icmp" }, { kind: "icmp6-type", type }], target: ACCEPT });
    }
    input.push({ stage: "icmp", matches: [{ kind: "protocol", protocol: "ipv6-icmp" }, { kind: "icmp6-type", type: 128 }], target: exposure.icmpEcho ? ACCEPT : DROP });
  }
  // SIP (what RAMPART-SIP did not drop or accept as SIP-trusted): to everyone, or to allowed networks only.
  if (exposure.sipFrom === "WORLD") {
    input.push(...perPorts(sipProtocols, sipPorts, (head) => ({ stage: "sip-accept", matches: head, target: ACCEPT })));
  } else {
    for (const set of [sets.tenant, sets.management]) {
      input.push(...perPorts(sipProtocols, sipPorts, (head) => ({ stage: "sip-accept", matches: [...head, fromSet(set)], target: ACCEPT })));
    }
  }
  if (exposure.rtpFrom === "WORLD") {
    input.push({ stage: "rtp", matches: rtpRange, target: ACCEPT });
  } else {
    for (const set of [sets["sip-trusted"], sets.tenant, sets.management]) {
      input.push({ stage: "rtp", matches: [...rtpRange, fromSet(set)], target: ACCEPT });
    }
  }
  // The PBX web UI beyond the management networks (accepted above): tenant networks, or everyone.
  if (exposure.webFrom === "WORLD") {
    input.push(...perPorts(["tcp"], webPorts, (head) => ({ stage: "web", matches: head, target: ACCEPT })));
  } else if (exposure.webFrom === "ALLOWED") {
    input.push(...perPorts(["tcp"], webPorts, (head) => ({ stage: "web", matches: [...head, fromSet(sets.tenant)], target: ACCEPT })));
  }
  if (exposure.finalAction === "DROP") {
    input.push({ stage: "final", matches: [], target: DROP });
  } else if (exposure.finalAction === "REJECT") {
    input.push({ stage: "final", matches: [{ kind: "protocol", protocol: "tcp" }], target: { kind: "REJECT", with: "tcp-reset" } });
    input.push({ stage: "final", matches: [], target: { kind: "REJECT", with: family === 4 ? "icmp-port-unreachable" : "icmp6-port-unreachable" } });
  } else {
    input.push({ stage: "return", matches: [], target: RETURN });
  }

  const sip: Rule[] = [];
  const signatures = [...new Set(snapshot.scannerSignatures.filter((s) => s.enabled).map((s) => s.pattern))].sort();
  for (const text of signatures) {
    sip.push({ stage: "scanner", matches: [{ kind: "string", text }], target: { kind: "jump", chain: CHAINS.scan } });
  }
  // SIP-scoped trust: past the scanner signatures (never exempt from them), ahead of the rate limits.
  sip.push({ stage: "sip-trusted", matches: [fromSet(sets["sip-trusted"])], target: ACCEPT });
  if (rate.enabled) {
    const mask = family === 4 ? FULL_MASK[4] : FULL_MASK[6];
    for (const [kind, text, hits, seconds] of [
      ["register", "REGISTER sip:", rate.registerHits, rate.registerWindowSeconds],
      ["invite", "INVITE sip:", rate.inviteHits, rate.inviteWindowSeconds],
    ] as const) {
      const stage = kind === "register" ? "flood-register" : "flood-invite";
      const name = recentListName(kind, family);
      sip.push({ stage, matches: [{ kind: "string", text }, { kind: "recent-set", name, mask }], target: null });
      sip.push({
        stage,
        matches: [{ kind: "string", text }, { kind: "recent-update", name, seconds, hitcount: hits, mask }],
        target: { kind: "jump", chain: CHAINS.flood },
      });
    }
    sip.push({
      stage: "rate-limit",
      matches: [
        (() => {
          const params = { perSecond: rate.packetsPerSecond, burst: rate.burst, srcmask: family === 6 ? IPV6_SOURCE_PREFIX : null, expireMs: HASHLIMIT_EXPIRE_MS };
          return { kind: "hashlimit-above" as const, name: hashlimitName(family, params), ...params };
        })(),
      ],
      target: { kind: "jump", chain: CHAINS.flood },
    });
  }
  sip.push({ stage: "return", matches: [], target: RETURN });

  const logDrop = (prefix: string): Rule[] => [
    { stage: "log", matches: [{ kind: "limit", perMinute: LOG_RATE_PER_MINUTE }], target: { kind: "LOG", prefix } },
    { stage: "drop", matches: [], target: DROP },
  ];

  return [
    { name: CHAINS.input, rules: input },
    { name: CHAINS.sip, rules: sip },
    { name: CHAINS.scan, rules: logDrop(LOG_PREFIXES.scan) },
    { name: CHAINS.flood, rules: logDrop(LOG_PREFIXES.flood) },
  ];
}
