/**
 * manifest.json: what a ruleset version contains and how to apply it. The version hash names the other
 * artefacts (hash.ts); the manifest adds counts per set and chain, the policy it came from, conflicts and
 * warnings, and the names the apply step and the pollers need. JSON.stringify does all quoting here.
 *
 * No node name or tags: nodes whose inputs render the same artefacts share one version (RulesetVersion.hash is
 * unique), so the manifest must not say which node rendered it; Deployment links nodes and versions.
 */
import type { Family, Rule, RuleStage, RulesetModel } from "./model";
import { BOOTSTRAP_ARGV } from "./render-iptables";
import { tempSetName } from "./render-ipset";
import { CHAINS, hashlimitPrefix, recentListName, TEMP_SET_SUFFIX } from "./names";
import type { FileDigest } from "./hash";
import type { Exposure } from "@/lib/validation/exposure";
import type { PolicySnapshot } from "@/lib/validation/policy";

export const MANIFEST_FORMAT = "rampart-ruleset/1";

export interface ManifestSet {
  name: string;
  /** The name ipset.restore loads a "swap" set under; null for "persistent" sets. */
  tempName: string | null;
  role: string;
  family: Family;
  type: "hash:ip" | "hash:net";
  lifecycle: "swap" | "persistent";
  /** Rendered entries; null for sets fail2ban fills. */
  entries: number | null;
  hashsize: number;
  maxelem: number;
}

export interface ManifestChain {
  name: string;
  rules: number;
  stages: Partial<Record<RuleStage, number>>;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: string;
  policy: {
    snapshotVersion: number;
    /** digestCanonicalJson of the validated snapshot. */
    digest: string;
    entries: { whitelist: number; blocklist: number; management: number; tenants: number; tenantRestrictions: number };
    scannerSignatures: { enabled: number; disabled: number };
    geoip: { mode: string; countries: string[]; datasetId: string | null; countriesWithoutData: string[] };
    rateLimitEnabled: boolean;
    /** The exposure policy this version enforces (the cluster's with the node's override). */
    exposure: Exposure;
    /** The panel's addresses this version accepts on management ports and exempts from every jail. */
    panelAddresses: string[];
  };
  files: Record<string, { sha256: string; bytes: number }>;
  sets: ManifestSet[];
  chains: { ipv4: ManifestChain[]; ipv6: ManifestChain[] };
  fail2ban: {
    jails: { name: string; banSets: string[]; logPaths: string[]; maxRetry: number; findTimeSeconds: number; banTimeSeconds: number }[];
    /** fail2ban will not start without them: the apply step creates missing ones (empty) first. */
    requiredLogFiles: string[];
  };
  kernel: {
    hashlimit: { ipv4: string; ipv6: string } | null;
    recent: string[];
  };
  dropped: { expired: number; duplicates: number; whitelisted: number };
  conflicts: { listed: RulesetModel["conflicts"]; notListed: number };
  warnings: string[];
  /** Render again by then: the earliest future expiry among the entries. */
  nextExpiryAt: string | null;
  apply: {
    ipsetTempSuffix: string;
    /** argv for iptables and for ip6tables, run only when `-w -C INPUT -j RAMPART-INPUT` fails. */
    bootstrap: { check: string[]; run: string[][] };
    hook: { chain: "INPUT"; target: string };
  };
}

/** The hashlimit table name the model's rules use for a family (the name carries the parameters' digest). */
function hashlimitOf(model: RulesetModel, family: Family): string {
  for (const chain of model.firewall.find((f) => f.family === family)?.chains ?? []) {
    for (const rule of chain.rules) for (const match of rule.matches) if (match.kind === "hashlimit-above" && match.name.startsWith(hashlimitPrefix(family))) return match.name;
  }
  return hashlimitPrefix(family);
}

function countStages(rules: readonly Rule[]): Partial<Record<RuleStage, number>> {
  const out: Partial<Record<RuleStage, number>> = {};
  for (const rule of rules) out[rule.stage] = (out[rule.stage] ?? 0) + 1;
  return out;
}

/** Builds the manifest object for rendered artefacts (manifest.json excluded from `files`). */
export function buildManifest(input: {
  model: RulesetModel;
  snapshot: PolicySnapshot;
  policyDigest: string;
  /** Per-file digests of the other artefacts (hash.ts digestFiles). */
  files: Readonly<Record<string, FileDigest>>;
  version: string;
}): Manifest {
  const { model, snapshot } = input;
  const files: Manifest["files"] = {};
  for (const path of Object.keys(input.files).sort()) files[path] = { ...(input.files[path] as FileDigest) };
  const chainsOf = (family: Family): ManifestChain[] =>
    (model.firewall.find((f) => f.family === family)?.chains ?? []).map((chain) => ({
      name: chain.name,
      rules: chain.rules.length,
      stages: countStages(chain.rules),
    }));
  const signaturesEnabled = snapshot.scannerSignatures.filter((s) => s.enabled).length;
  return {
    format: MANIFEST_FORMAT,
    version: input.version,
    policy: {
      snapshotVersion: snapshot.version,
      digest: input.policyDigest,
      entries: {
        whitelist: snapshot.whitelist.length,
        blocklist: snapshot.blocklist.length,
        management: snapshot.management.length,
        tenants: snapshot.tenants.length,
        tenantRestrictions: snapshot.tenants.reduce((sum, t) => sum + t.restrictions.length, 0),
      },
      scannerSignatures: { enabled: signaturesEnabled, disabled: snapshot.scannerSignatures.length - signaturesEnabled },
      geoip: {
        mode: model.geoip.mode,
        countries: [...model.geoip.countries],
        datasetId: model.geoip.datasetId,
        countriesWithoutData: [...model.geoip.countriesWithoutData],
      },
      rateLimitEnabled: snapshot.rateLimit.enabled,
      exposure: { ...model.exposure },
      panelAddresses: [...model.panelAddresses],
    },
    files,
    sets: model.sets.map((set) => ({
      name: set.name,
      tempName: set.lifecycle === "swap" ? tempSetName(set) : null,
      role: set.role,
      family: set.family,
      type: set.type,
      lifecycle: set.lifecycle,
      entries: set.lifecycle === "swap" ? set.members.length : null,
      hashsize: set.hashsize,
      maxelem: set.maxelem,
    })),
    chains: { ipv4: chainsOf(4), ipv6: chainsOf(6) },
    fail2ban: {
      jails: model.jails.map((jail) => ({
        name: jail.name,
        banSets: [`${jail.banSetBase}4`, `${jail.banSetBase}6`],
        logPaths: [...jail.logPaths],
        maxRetry: jail.maxRetry,
        findTimeSeconds: jail.findTimeSeconds,
        banTimeSeconds: jail.banTimeSeconds,
      })),
      requiredLogFiles: [...model.requiredLogFiles],
    },
    kernel: {
      hashlimit: snapshot.rateLimit.enabled
        ? { ipv4: `/proc/net/ipt_hashlimit/${hashlimitOf(model, 4)}`, ipv6: `/proc/net/ip6t_hashlimit/${hashlimitOf(model, 6)}` }
        : null,
      recent: snapshot.rateLimit.enabled
        ? (["register", "invite"] as const).flatMap((kind) => [4, 6].map((f) => `/proc/net/xt_recent/${recentListName(kind, f as Family)}`))
        : [],
    },
    dropped: { ...model.dropped },
    conflicts: { listed: [...model.conflicts], notListed: model.conflictsNotListed },
    warnings: [...model.warnings],
    nextExpiryAt: model.nextExpiryAt,
    apply: {
      ipsetTempSuffix: TEMP_SET_SUFFIX,
      bootstrap: { check: ["-w", "-C", "INPUT", "-j", CHAINS.input], run: BOOTSTRAP_ARGV.map((argv) => [...argv]) },
      hook: { chain: "INPUT", target: CHAINS.input },
    },
  };
}

/** manifest.json text: two-space indented JSON and a final newline; deterministic. */
export function renderManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
