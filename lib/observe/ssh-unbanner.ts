/**
 * The real NodeUnbanner (lib/observe/unban.ts): uploads staging/unban.list ("jail address" lines, validated by
 * buildUnbanFile), runs the agent's fixed `unban` command over the node's pooled connection, and reads one
 * "jail address unbanned|still-banned|refused" line per request. The agent names the jail in every unbanip
 * (FIELD-NOTES: FreePBX once unbanned without it) and re-reads the jail before answering, so "unbanned" here
 * means the node itself no longer lists the address.
 */
import { buildUnbanFile } from "@/lib/deploy/staging";
import { parseNetwork } from "@/lib/net/parse";

import { isJailName } from "./fail2ban-status";
import { withNodeConnection } from "./node-connections";
import { setNodeUnbanner, type NodeUnbanJob, type NodeUnbanOutcome, type NodeUnbanner } from "./unban";

const UNBAN_DEADLINE_MS = 30_000;

/** Two unbans on one node never share the one unban.list file: they run one after the other per node. */
const nodeQueues = new Map<string, Promise<unknown>>();

function serialize<T>(nodeId: string, work: () => Promise<T>): Promise<T> {
  const previous = nodeQueues.get(nodeId) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  nodeQueues.set(nodeId, settled);
  void settled.then(() => {
    if (nodeQueues.get(nodeId) === settled) nodeQueues.delete(nodeId);
  });
  return next;
}

/** The agent's answer lines → outcomes for the requested addresses (anything unexpected is "not confirmed"). */
export function parseUnbanOutput(stdout: string, job: Pick<NodeUnbanJob, "jail" | "addresses">): NodeUnbanOutcome[] {
  const answers = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const m = /^(\S+) (\S+) (unbanned|still-banned|refused)$/.exec(line.trim());
    if (!m || m[1] !== job.jail) continue;
    const parsed = parseNetwork(m[2]!);
    if (parsed.ok) answers.set(parsed.value.canonical, m[3]!);
  }
  return job.addresses.map((address) => {
    const answer = answers.get(address);
    if (answer === "unbanned") return { address, isUnbanned: true, message: `Unbanned from ${job.jail}; the node no longer lists it.` };
    if (answer === "still-banned") return { address, isUnbanned: false, message: `The node still lists it in ${job.jail} after unbanip.` };
    if (answer === "refused") return { address, isUnbanned: false, message: `The node refused to unban from ${job.jail}.` };
    return { address, isUnbanned: false, message: "The node did not confirm the unban." };
  });
}

export const sshUnbanner: NodeUnbanner = (job) => {
  if (!isJailName(job.jail)) return Promise.reject(new Error(`Not a jail name: ${job.jail}`));
  // buildUnbanFile re-checks jail and addresses against strict patterns before anything is written.
  const file = buildUnbanFile(job.addresses.map((address) => ({ jail: job.jail, address })));
  return serialize(job.nodeId, () =>
    withNodeConnection(job.nodeId, async ({ session }) => {
      await session.upload([file]);
      const result = await session.run("unban", UNBAN_DEADLINE_MS);
      if (result.code !== 0) throw new Error(`unban failed on ${job.nodeName}: ${result.stderr.trim() || `exit ${result.code}`}`);
      return parseUnbanOutput(result.stdout, job);
    }),
  );
};

/** Makes node unbans available in this process (web server, worker, CLI, server actions). Idempotent. */
export function registerSshUnbanner(): void {
  setNodeUnbanner(sshUnbanner);
}
