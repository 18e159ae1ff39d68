import { networkContains, parseHostAddress, parseNetwork } from "@/lib/net/parse";
import type { PushState } from "@/lib/db/queries/deployments";
import type { Manifest } from "@/lib/rules/render-manifest";
import { DEFAULT_SIP_PORT, diagnoseSshFailure } from "@/lib/ssh/diagnose";
import { HostKeyMismatchError, isSshError } from "@/lib/ssh/errors";
import type { SshDeadlines, SshTarget } from "@/lib/ssh/session";
import { sshTransport, type NodeChannel, type NodeTransport } from "@/lib/ssh/transport";

import { agentError, parseApplied, parseConfirmed, parseStatus } from "./agent-output";
import { ensureAgent } from "./agent-script";
import { buildStagingFiles } from "./staging";

/**
 * One node, one version: upload → validate (node's own tools) → apply (the node snapshots first and arms its
 * own rollback timer) → confirm over a NEW connection, which also proves the new rules still let the panel in
 * → the node cancels the timer. Without confirmation the node restores the snapshot by itself. No database
 * here: progress goes through `report`, so the same code serves the batch runner, the CLI and the bench.
 */

/** The states of one node's push: the deployment states (lib/db/queries/deployments.ts) but PENDING and SKIPPED. */
export type { PushState } from "@/lib/db/queries/deployments";

export interface PushUpdate {
  state: PushState;
  progress: number;
  message: string;
  rollbackAt?: Date;
  digest?: string;
}

export interface PushOutcome extends PushUpdate {
  /** Set when the node presented a host key other than the pinned one (nothing was run). */
  hostKeyMismatch?: string;
  /** Seconds per stage, for the bench and the deployment message. */
  timings: Record<string, number>;
}

export interface NodePushOptions {
  target: SshTarget;
  version: { hash: string; files: Readonly<Record<string, string>>; manifest: Manifest };
  deploymentId: string;
  timerSeconds: number;
  agent: { script: string; hash: string };
  report: (update: PushUpdate) => void | Promise<void>;
  deadlines?: Partial<SshDeadlines>;
  /** Test and bench hook, awaited as each stage begins. */
  onStage?: (stage: "connect" | "upload" | "validate" | "apply" | "confirm") => void | Promise<void>;
  /** How long after the timer fires the panel waits before asking the node what it did. */
  graceMs?: number;
  /** Told the address the node sees the panel connect from, before anything is changed. */
  onClientAddress?: (address: string) => Promise<void>;
  /** How nodes are reached: SSH unless a test scripts the node. */
  transport?: NodeTransport;
}

/**
 * Whether a version lets the panel in from `client`: its manifest's panel addresses cover it, or the version
 * has no default deny. Versions rendered before panel addresses existed carry none and are not judged.
 */
export function admitsPanel(manifest: Manifest, client: string): boolean {
  const policy = manifest.policy as Partial<Manifest["policy"]>;
  if (policy.panelAddresses === undefined || policy.exposure === undefined || policy.exposure.finalAction === "RETURN") return true;
  const address = parseHostAddress(client);
  if (!address.ok) return false;
  return policy.panelAddresses.some((text) => {
    const network = parseNetwork(text);
    return network.ok && network.value.family === address.value.family && networkContains(network.value, address.value);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function pushVersionToNode(options: NodePushOptions): Promise<PushOutcome> {
  const timings: Record<string, number> = {};
  let stageStarted = Date.now();
  const mark = (stage: string) => {
    const now = Date.now();
    timings[stage] = (now - stageStarted) / 1000;
    stageStarted = now;
  };
  const finish = async (outcome: Omit<PushOutcome, "timings">): Promise<PushOutcome> => {
    await options.report(outcome);
    return { ...outcome, timings };
  };
  const deadlines = options.deadlines ?? {};
  const commandMs = deadlines.commandMs ?? 300_000;

  const transport = options.transport ?? sshTransport;
  let session: NodeChannel;
  try {
    await options.onStage?.("connect");
    await options.report({ state: "UPLOADING", progress: 2, message: "Connecting" });
    session = await transport.open(options.target, deadlines);
  } catch (error) {
    if (error instanceof HostKeyMismatchError) {
      return finish({ state: "FAILED", progress: 100, message: error.message, hostKeyMismatch: error.received });
    }
    if (isSshError(error) && error.reason === "auth") return finish({ state: "FAILED", progress: 100, message: error.message });
    // No database here, so the SIP port asked on a timeout is the default one and the panel's address the probe's source.
    const diagnosis = await diagnoseSshFailure({ host: options.target.host, sshPort: options.target.port, sipPort: DEFAULT_SIP_PORT }, error);
    return finish({ state: "UNREACHABLE", progress: 100, message: `${diagnosis ?? describe(error)} Nothing was changed on the node.` });
  }
  mark("connect");

  let applyStarted = 0;
  try {
    const probe = await ensureAgent(session, options.agent);
    if (probe.tools.missing.length > 0) {
      return finish({ state: "FAILED", progress: 100, message: `The node lacks ${probe.tools.missing.join(", ")}; nothing was changed.` });
    }
    if (probe.clientAddress !== null) await options.onClientAddress?.(probe.clientAddress);
    if (!admitsPanel(options.version.manifest, probe.clientAddress ?? "")) {
      const seen = probe.clientAddress ?? "an address it did not report";
      const listed = options.version.manifest.policy.panelAddresses?.join(", ") || "none";
      return finish({
        state: "FAILED",
        progress: 100,
        message: `Refused: this version would not let the panel in. The node sees the panel as ${seen}, which is not among the version's panel addresses (${listed}); nothing was changed.${probe.clientAddress === null ? "" : " Rampart now knows the address: push again."}`,
      });
    }
    // A push is never short-circuited by the node reporting this version with a matching digest: the digest
    // cannot see everything (members of sets over the agent's member limit), and the operator asked for it.
    await options.onStage?.("upload");
    const reset = await session.run("stageReset", 60_000);
    if (reset.code !== 0) return finish({ state: "FAILED", progress: 100, message: `Staging failed: ${agentError(reset)}` });
    const files = buildStagingFiles({
      version: options.version.hash,
      deploymentId: options.deploymentId,
      timerSeconds: options.timerSeconds,
      files: options.version.files,
      manifest: options.version.manifest,
    });
    let lastReported = 0;
    await session.upload(files, (sent, total) => {
      const progress = 5 + Math.floor((45 * sent) / Math.max(1, total));
      if (progress - lastReported >= 5) {
        lastReported = progress;
        void options.report({ state: "UPLOADING", progress, message: `Uploading ${Math.round(sent / 1024)} of ${Math.round(total / 1024)} KiB` });
      }
    });
    mark("upload");

    await options.onStage?.("validate");
    await options.report({ state: "VALIDATING", progress: 55, message: "Validating with the node's iptables, ipset and fail2ban" });
    const validated = await session.run("validate", commandMs);
    if (validated.code !== 0) return finish({ state: "FAILED", progress: 100, message: `Validation failed; nothing was applied: ${agentError(validated)}` });
    mark("validate");

    await options.onStage?.("apply");
    await options.report({ state: "VALIDATING", progress: 70, message: "Applying" });
    applyStarted = Date.now();
    const applied = await session.run("apply", commandMs);
    const rollbackAt = parseApplied(applied.stdout);
    if (applied.code !== 0 || rollbackAt === null) {
      return finish({ state: "FAILED", progress: 100, message: `Apply failed and the node restored its previous state: ${agentError(applied)}` });
    }
    mark("apply");
    await options.report({ state: "APPLIED", progress: 80, message: `Applied; the node rolls back at ${rollbackAt.toISOString()} unless confirmed`, rollbackAt });
    session.close();
    return await confirm(options, rollbackAt, timings, mark);
  } catch (error) {
    session.close();
    if (applyStarted === 0) {
      const unreachable = isSshError(error) && (error.reason === "closed" || error.reason === "timeout" || session.isClosed);
      return finish({ state: unreachable ? "UNREACHABLE" : "FAILED", progress: 100, message: `${describe(error)} Nothing was applied.` });
    }
    // The connection went away during the apply: the node carries on by itself and its timer is armed after
    // the apply, so it fires no earlier than this.
    const rollbackAt = new Date(applyStarted + options.timerSeconds * 1000);
    await options.report({ state: "APPLIED", progress: 80, message: `Lost the connection during the apply (${describe(error)}); waiting for the node`, rollbackAt });
    return await confirm(options, rollbackAt, timings, mark);
  }
}

/**
 * A changed host key after the apply: nothing more is run there, and what the node runs cannot be asked. The
 * deployment stays APPLIED (not final) so the reconciler settles it from the node's status once an
 * administrator has re-pinned the key; the batch counts it as a failure.
 */
function unverified(error: HostKeyMismatchError, rollbackAt: Date): Omit<PushOutcome, "timings"> {
  return {
    state: "APPLIED",
    progress: 100,
    message: `${error.message} Rampart cannot ask this node what it runs until its key is re-pinned; its rollback timer restores the previous version at ${rollbackAt.toISOString()} unless the apply was confirmed.`,
    hostKeyMismatch: error.received,
    rollbackAt,
  };
}

/** Confirms over fresh connections until the timer; afterwards asks the node whether it rolled back. */
async function confirm(options: NodePushOptions, rollbackAt: Date, timings: Record<string, number>, mark: (stage: string) => void): Promise<PushOutcome> {
  const finish = async (outcome: Omit<PushOutcome, "timings">): Promise<PushOutcome> => {
    await options.report(outcome);
    return { ...outcome, timings };
  };
  await options.onStage?.("confirm");
  const quick: Partial<SshDeadlines> = { connectMs: 4_000, handshakeMs: 8_000, ...options.deadlines };
  let lastError = "";
  while (Date.now() < rollbackAt.getTime() - 1_000) {
    let session: NodeChannel | null = null;
    try {
      session = await (options.transport ?? sshTransport).open(options.target, quick);
      const result = await session.run("confirm", 60_000);
      const confirmed = parseConfirmed(result.stdout);
      if (result.code === 0 && confirmed !== null && confirmed.version === options.version.hash) {
        mark("confirm");
        return finish({ state: "CONFIRMED", progress: 100, message: "Confirmed over a new connection; health check passed", digest: confirmed.digest });
      }
      // Not a clean confirmation: what the node runs now decides what is recorded, never the refusal alone (an
      // earlier confirm whose answer was lost has already confirmed this version; "nothing to confirm" then).
      const status = parseStatus((await session.run("status", 60_000)).stdout);
      if (status.pending === null && status.version === options.version.hash && status.confirmedDigest !== null) {
        mark("confirm");
        return finish({ state: "CONFIRMED", progress: 100, message: "Confirmed (an earlier confirmation's answer was lost; the node reports this version)", digest: status.confirmedDigest });
      }
      if (status.pending !== null && status.pending.deployment === options.deploymentId) {
        lastError = `the node did not confirm yet: ${agentError(result)}`;
        await sleep(1_000);
        continue;
      }
      return finish({ state: "ROLLED_BACK", progress: 100, message: `The node did not confirm and runs its previous version: ${agentError(result)}` });
    } catch (error) {
      if (error instanceof HostKeyMismatchError) return finish(unverified(error, rollbackAt));
      lastError = describe(error);
      await sleep(1_000);
    } finally {
      session?.close();
    }
  }
  // No confirmation reached the node: its timer restores the snapshot. Ask it afterwards so the record says
  // what happened instead of what should have.
  await options.report({ state: "APPLIED", progress: 90, message: `Could not confirm (${lastError}); the node rolls back at ${rollbackAt.toISOString()}` });
  const waitUntil = rollbackAt.getTime() + (options.graceMs ?? 3_000);
  await sleep(Math.max(0, waitUntil - Date.now()));
  const giveUp = Date.now() + 20_000;
  while (Date.now() < giveUp) {
    let session: NodeChannel | null = null;
    try {
      session = await (options.transport ?? sshTransport).open(options.target, quick);
      const status = parseStatus((await session.run("status", 60_000)).stdout);
      if (status.pending !== null) {
        lastError = "the node still has the apply pending";
      } else if (status.lastRollback !== null && status.lastRollback.deployment === options.deploymentId) {
        const rb = status.lastRollback;
        return finish({
          state: "ROLLED_BACK",
          progress: 100,
          message: `The node restored its previous version by itself at ${rb.at.toISOString()} (${rb.reason})${rb.ok ? "" : "; the restore reported errors"}`,
          rollbackAt,
        });
      } else if (status.version === options.version.hash) {
        return finish({ state: "CONFIRMED", progress: 100, message: "Confirmed (the node reports this version)", digest: status.confirmedDigest ?? undefined });
      } else {
        return finish({ state: "ROLLED_BACK", progress: 100, message: "The node runs its previous version", rollbackAt });
      }
    } catch (error) {
      if (error instanceof HostKeyMismatchError) return finish(unverified(error, rollbackAt));
      lastError = describe(error);
    } finally {
      session?.close();
    }
    await sleep(1_000);
  }
  return finish({
    state: "UNREACHABLE",
    progress: 100,
    message: `No confirmation and no answer since (${lastError}); the node restores its previous version by itself at ${rollbackAt.toISOString()}`,
    rollbackAt,
  });
}

