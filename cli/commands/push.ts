import type { Caller } from "@/lib/auth/caller";
import { getPushBatch, startPush, type PushBatchView } from "@/lib/deploy/batch";
import type { PushRequestInput } from "@/lib/validation/push";

import type { OptionValues } from "../args";
import type { pushOptions, rollbackOptions } from "./push-options";
import { getCliActor, UsageError, withDatabase } from "../context";

// `rampart push` and `rampart rollback`: the same batch runner as the dashboard, run by this process, which
// therefore stays until every targeted node has reached a final state (a node left mid-push would only be
// saved by its own rollback timer). Progress goes to stderr; the summary to stdout.

function cliCaller(): Caller {
  return { role: "ADMIN", tenantId: null, actor: getCliActor() };
}

export function integer(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,6}$/.test(value)) throw new UsageError(`${what} must be a whole number.`);
  return Number(value);
}

function targetOf(values: OptionValues<typeof pushOptions>): PushRequestInput["target"] | undefined {
  const chosen = [values.all === true, values.node !== undefined, values.tag !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new UsageError("Choose one of --all, --node and --tag.");
  if (values.all === true) return { kind: "all" };
  if (values.node !== undefined) return { kind: "nodes", names: values.node.split(",").map((n) => n.trim()).filter(Boolean) };
  if (values.tag !== undefined) return { kind: "tag", tag: values.tag };
  return undefined;
}

async function follow(batchId: string, done: Promise<unknown>): Promise<PushBatchView> {
  const caller = cliCaller();
  const seen = new Map<string, string>();
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  for (;;) {
    const view = await getPushBatch(caller, batchId);
    for (const d of view.deployments) {
      const line = `${d.state} ${d.message}`;
      if (seen.get(d.nodeName) !== line) {
        seen.set(d.nodeName, line);
        process.stderr.write(`${d.nodeName}: ${d.state.toLowerCase().replace("_", " ")} (${d.progress}%) ${d.message}\n`);
      }
    }
    if (finished && view.finished) return view;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Follows a started push to the end (progress on stderr), prints the outcome per node on stdout (JSON with
 * --json), and with --wait throws unless every node confirmed. Shared by push, rollback and nodes repair.
 */
export async function reportPush(values: { json?: boolean; wait?: boolean }, batchId: string, done: Promise<unknown>): Promise<void> {
  process.stderr.write(`push ${batchId}\n`);
  const view = await follow(batchId, done);
  const confirmed = view.deployments.filter((d) => d.state === "CONFIRMED").length;
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify({ batchId, deployments: view.deployments.map((d) => ({ node: d.nodeName, state: d.state, version: d.rulesetHash, message: d.message })) }, null, 2)}\n`);
  } else {
    for (const d of view.deployments) process.stdout.write(`${d.nodeName}\t${d.state}\t${d.rulesetHash.slice(0, 12)}\t${d.message}\n`);
  }
  if (values.wait === true && confirmed !== view.deployments.length) {
    throw new Error(`${view.deployments.length - confirmed} of ${view.deployments.length} node(s) not confirmed.`);
  }
}

async function runPush(values: OptionValues<typeof rollbackOptions>, request: PushRequestInput): Promise<void> {
  await withDatabase(async () => {
    const { batchId, done } = await startPush(cliCaller(), request);
    await reportPush(values, batchId, done);
  });
}

function commonRequest(values: OptionValues<typeof rollbackOptions>) {
  return {
    canary: values["no-canary"] !== true,
    concurrency: integer(values.concurrency, "--concurrency"),
    failureThreshold: integer(values["failure-threshold"], "--failure-threshold"),
    timerSeconds: integer(values.timer, "--timer"),
  };
}

export async function push(values: OptionValues<typeof pushOptions>): Promise<void> {
  const target = targetOf(values);
  if (target === undefined) throw new UsageError("Say which nodes: --all, --node N or --tag T.");
  await runPush(values, { target, ...commonRequest(values) });
}

export async function rollback(values: OptionValues<typeof rollbackOptions>): Promise<void> {
  if (values.to === undefined) throw new UsageError("Say which version: --to VERSION (the 64-character hash, or a unique prefix of at least 8).");
  const to = values.to.trim().toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(to)) throw new UsageError("--to takes a version hash (hexadecimal, at least 8 characters).");
  await withDatabase(async () => {
    const { resolveVersionTargets } = await import("@/lib/deploy/versions");
    const resolved = await resolveVersionTargets(to);
    const target = targetOf(values) ?? (resolved.nodeNames.length > 0 ? { kind: "nodes" as const, names: resolved.nodeNames } : undefined);
    if (target === undefined) throw new UsageError(`No node has run version ${resolved.hash.slice(0, 12)}; name the targets with --all, --node or --tag.`);
    process.stderr.write(`rolling back to ${resolved.hash.slice(0, 12)} (created ${resolved.createdAt.toISOString()} by ${resolved.author})\n`);
    await runPush(values, { target, version: resolved.hash, ...commonRequest(values) });
  });
}
