/**
 * Whether a node runs the version it confirmed, in words an administrator can act on. The agent records a
 * digest of Rampart's chains, INPUT jump and sets when a push is confirmed and reports the live digest on
 * every poll; any difference means the running state is not the confirmed version. The commonest cause is
 * a reboot that restored nothing (no chains at all), which is told apart from a change made by hand. Pure.
 */
import type { BootRestore } from "@/lib/deploy/agent-output";

import { shortHash } from "./display";

export interface DriftInput {
  /** The version the node last confirmed (current/version), null when it never confirmed one. */
  confirmedVersion: string | null;
  digest: string | null;
  confirmedDigest: string | null;
  /** The INPUT jump to Rampart's chain is there; null when the agent did not say (an older agent). */
  isLoaded: boolean | null;
  bootRestore: BootRestore | null;
}

export interface DriftReport {
  /** null: nothing to compare (never confirmed, or a digest is missing). */
  drifted: boolean | null;
  message: string;
}

/** Deterministic: the same input gives the same report. */
export function describeDrift(input: DriftInput): DriftReport {
  if (input.confirmedVersion === null) return { drifted: null, message: "Rampart has not confirmed a version on this node yet." };
  const version = shortHash(input.confirmedVersion);
  if (input.digest === null || input.confirmedDigest === null) {
    return { drifted: null, message: `The node has no confirmed digest of version ${version} to compare with.` };
  }
  if (input.digest === input.confirmedDigest) return { drifted: false, message: `Running state matches confirmed version ${version}.` };
  const head = `Running state does not match confirmed version ${version}`;
  if (input.isLoaded === false) {
    const cause =
      input.bootRestore === "none"
        ? "the node restores nothing at boot, so a reboot leaves it without Rampart's rules"
        : "a reboot whose restore did not run, or the rules were removed by hand";
    return { drifted: true, message: `${head}: Rampart's chains are not loaded (${cause}). Push again to restore them.` };
  }
  return { drifted: true, message: `${head}: Rampart's chains or sets were changed outside Rampart. Push again to restore them.` };
}
