/**
 * The compile step's entry point: policy snapshot (re-validated here) + per-node input + GeoIP data + clock →
 * artefacts, manifest and version hash. Pure and deterministic: no I/O, no environment, no clock of its own.
 */
import { AppError } from "@/lib/errors";
import { renderGuard } from "@/lib/guard/render";
import {
  nodeRenderInputSchema,
  parsePolicySnapshot,
  type NodeRenderInput,
  type ParsedPolicy,
  type PolicyIssue,
  type ValidNodeRenderInput,
} from "@/lib/validation/policy";

import { compileRuleset } from "./compile";
import type { GeoIpSource } from "./geoip";
import { digestCanonicalJson, digestFiles, versionOf } from "./hash";
import type { RulesetModel } from "./model";
import { ARTEFACT_PATHS } from "./names";
import { renderFail2banFiles } from "./render-fail2ban";
import { renderIpsetRestore } from "./render-ipset";
import { renderIptablesRules } from "./render-iptables";
import { buildManifest, renderManifest, type Manifest } from "./render-manifest";

export interface RenderOptions {
  /** The render's clock (expired entries are left out). Required: lib/rules never reads the clock itself. */
  now: Date;
}

export interface RenderedRuleset {
  /** Artefact path → content; paths are ARTEFACT_PATHS. */
  files: Record<string, string>;
  manifest: Manifest;
  /** The version: SHA-256 over every artefact but manifest.json. */
  hash: string;
  model: RulesetModel;
}

function issuesToFieldErrors(issues: readonly PolicyIssue[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path.join(".") || "(policy)";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** Validates the snapshot with the shared policy schema; throws AppError VALIDATION with field errors. */
export function validateSnapshotForRender(snapshot: unknown): ParsedPolicy {
  const parsed = parsePolicySnapshot(snapshot);
  if (!parsed.ok) {
    throw new AppError("VALIDATION", "The policy snapshot is not valid; nothing was rendered.", issuesToFieldErrors(parsed.issues));
  }
  return parsed.value;
}

export function validateNodeInputForRender(node: NodeRenderInput | unknown): ValidNodeRenderInput {
  const parsed = nodeRenderInputSchema.safeParse(node);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[issue.path.map(String).join(".") || "(node)"] ??= []).push(issue.message);
    throw new AppError("VALIDATION", "The node input is not valid; nothing was rendered.", fieldErrors);
  }
  return parsed.data;
}

/** Renders every artefact from an already validated policy; deterministic for equal inputs. */
export function renderParsedRuleset(
  policy: ParsedPolicy,
  node: ValidNodeRenderInput,
  geo: GeoIpSource,
  options: RenderOptions,
): RenderedRuleset {
  const model = compileRuleset(policy, node, geo, { now: options.now });
  const files: Record<string, string> = {
    [ARTEFACT_PATHS.ipset]: renderIpsetRestore(model),
    [ARTEFACT_PATHS.iptables]: renderIptablesRules(model, 4),
    [ARTEFACT_PATHS.ip6tables]: renderIptablesRules(model, 6),
    ...renderFail2banFiles(model),
    // A version made before the call guard has none, and leaves the node's guard as it is.
    ...(policy.snapshot.callGuard === undefined ? {} : renderGuard(policy.snapshot.callGuard).files),
  };
  const digests = digestFiles(files);
  const hash = versionOf(digests);
  const manifest = buildManifest({
    model,
    snapshot: policy.snapshot,
    policyDigest: digestCanonicalJson(policy.snapshot),
    files: digests,
    version: hash,
  });
  files[ARTEFACT_PATHS.manifest] = renderManifest(manifest);
  return { files, manifest, hash, model };
}

/**
 * Policy snapshot → artefacts. Re-validates the snapshot and the node input (AppError VALIDATION on failure,
 * nothing rendered), then compiles and serializes; deterministic, pure.
 */
export function renderRuleset(snapshot: unknown, node: NodeRenderInput | unknown, geo: GeoIpSource, options: RenderOptions): RenderedRuleset {
  return renderParsedRuleset(validateSnapshotForRender(snapshot), validateNodeInputForRender(node), geo, options);
}
