/**
 * The narrow model between the policy and the rendered text: sets with sorted, deduplicated canonical members
 * per family, and chains whose rules are data. compile.ts builds it; one serializer per format renders it.
 * Nothing here refers to Prisma, the database or the node.
 */
import type { Exposure } from "@/lib/validation/exposure";

import type { BanSetRole, ListSetRole } from "./names";

export type Family = 4 | 6;
export const FAMILIES: readonly Family[] = [4, 6];

export interface SetMember {
  /** lib/net canonical text. */
  readonly network: string;
  /** Allow-listed comment ("" for none). */
  readonly comment: string;
}

/** A set Rampart fills from the policy and replaces wholesale on every apply (load under a temporary name, swap). */
export interface ListSet {
  readonly lifecycle: "swap";
  readonly role: ListSetRole;
  readonly family: Family;
  readonly name: string;
  readonly type: "hash:ip" | "hash:net";
  readonly hashsize: number;
  readonly maxelem: number;
  /** Ascending (address, then prefix length), no duplicates. */
  readonly members: readonly SetMember[];
}

/** A set fail2ban fills through the rampart-ipset action; created if missing, never flushed or swapped by Rampart. */
export interface BanSet {
  readonly lifecycle: "persistent";
  readonly role: BanSetRole;
  readonly family: Family;
  readonly name: string;
  readonly type: "hash:ip";
  readonly hashsize: number;
  readonly maxelem: number;
  readonly timeout: number;
}

export type IpSet = ListSet | BanSet;

export type Protocol = "tcp" | "udp" | "icmp" | "ipv6-icmp";

/** TCP flag names in the order iptables prints them. */
export type TcpFlag = "FIN" | "SYN" | "RST" | "PSH" | "ACK" | "URG";

/** One iptables match, in the order and spelling `iptables -S` prints it. */
export type Match =
  | { readonly kind: "in-interface"; readonly name: "lo" }
  | { readonly kind: "protocol"; readonly protocol: Protocol }
  | { readonly kind: "icmp6-type"; readonly type: number }
  | { readonly kind: "icmp-type"; readonly type: number }
  | { readonly kind: "tcp-flags"; readonly mask: readonly TcpFlag[]; readonly set: readonly TcpFlag[]; readonly negate: boolean }
  | { readonly kind: "ctstate-new" }
  | { readonly kind: "hop-limit"; readonly equals: number }
  | { readonly kind: "dports"; readonly ports: readonly number[] }
  | { readonly kind: "dport-range"; readonly protocol: "udp" | "tcp"; readonly min: number; readonly max: number }
  | { readonly kind: "set"; readonly name: string; readonly negate: boolean }
  | { readonly kind: "ctstate-established"; readonly negate: boolean }
  | { readonly kind: "string"; readonly text: string }
  | { readonly kind: "recent-set"; readonly name: string; readonly mask: string }
  | {
      readonly kind: "recent-update";
      readonly name: string;
      readonly seconds: number;
      readonly hitcount: number;
      readonly mask: string;
    }
  | {
      readonly kind: "hashlimit-above";
      readonly name: string;
      readonly perSecond: number;
      /** "minute": `perSecond` is read as per minute (the SSH attempt limit). Absent: per second. */
      readonly unit?: "minute";
      readonly burst: number;
      /** Only when not the full address length (IPv6 groups sources by /64). */
      readonly srcmask: number | null;
      /** How long an idle source keeps its bucket; the kernel's default forgets it within seconds. */
      readonly expireMs: number;
    }
  | { readonly kind: "limit"; readonly perMinute: number };

export type Target =
  | { readonly kind: "ACCEPT" }
  | { readonly kind: "DROP" }
  | { readonly kind: "RETURN" }
  | { readonly kind: "jump"; readonly chain: string }
  | { readonly kind: "LOG"; readonly prefix: string }
  | { readonly kind: "REJECT"; readonly with: "tcp-reset" | "icmp-port-unreachable" | "icmp6-port-unreachable" };

/** Why a rule exists; counted per stage in the manifest. */
export type RuleStage =
  | "loopback"
  | "neighbour-discovery"
  | "panel"
  | "ssh-limit"
  | "management"
  | "whitelist"
  | "blocklist"
  | "fail2ban"
  | "port-scan"
  | "geoip"
  | "sip"
  | "scanner"
  | "sip-trusted"
  | "flood-register"
  | "flood-invite"
  | "rate-limit"
  | "established"
  | "icmp"
  | "sip-accept"
  | "rtp"
  | "web"
  | "log"
  | "drop"
  | "return"
  | "final";

export interface Rule {
  readonly stage: RuleStage;
  readonly matches: readonly Match[];
  /** null: no -j (the rule only acts through its matches, e.g. xt_recent --set). */
  readonly target: Target | null;
}

export interface Chain {
  readonly name: string;
  readonly rules: readonly Rule[];
}

export interface FamilyFirewall {
  readonly family: Family;
  /** In creation order; the first is the one INPUT jumps to. */
  readonly chains: readonly Chain[];
}

export interface Jail {
  readonly name: string;
  readonly filter: string;
  readonly logPaths: readonly string[];
  readonly maxRetry: number;
  readonly findTimeSeconds: number;
  /** -1 is permanent. */
  readonly banTimeSeconds: number;
  /** Ascending; loopback first. */
  readonly ignoreIp: readonly string[];
  readonly banSetBase: string;
}

export type Conflict =
  | {
      readonly kind: "whitelist-overrides-blocklist";
      readonly blocklist: string;
      readonly whitelist: string;
      /** "dropped": the blocklist entry lies inside the whitelist entry and is left out of the set. */
      readonly resolution: "dropped-from-blocklist" | "whitelist-rule-precedes";
    }
  | { readonly kind: "management-overlaps-blocklist"; readonly blocklist: string; readonly management: string };

export interface RulesetModel {
  readonly sets: readonly IpSet[];
  readonly firewall: readonly FamilyFirewall[];
  readonly jails: readonly Jail[];
  readonly conflicts: readonly Conflict[];
  /** Conflicts beyond the listed ones (the list is capped). */
  readonly conflictsNotListed: number;
  readonly warnings: readonly string[];
  readonly dropped: { readonly expired: number; readonly duplicates: number; readonly whitelisted: number };
  /** Earliest expiry still in the future: render again then. */
  readonly nextExpiryAt: string | null;
  readonly geoip: {
    readonly mode: "OFF" | "FULL_SERVER" | "WEB_ONLY";
    readonly countries: readonly string[];
    readonly datasetId: string | null;
    readonly countriesWithoutData: readonly string[];
  };
  /** The exposure policy the chains were built from (the cluster's with the node's override laid over it). */
  readonly exposure: Exposure;
  /** The panel's addresses this render accepts on management ports and exempts from every jail. */
  readonly panelAddresses: readonly string[];
  /** Log files fail2ban refuses to start without; the apply step creates them if missing. */
  readonly requiredLogFiles: readonly string[];
}
