/**
 * The real NodeUnbanner (lib/observe/unban.ts): uploads staging/unban.list ("jail address" lines for every asked
 * jail and address, grouped by jail, validated by buildUnbanFile), runs the agent's fixed `unban` command over the
 * node's pooled connection, and reads one "jail address unbanned|not-banned|still-banned|refused" line per
 * request. The agent names the jail in every unbanip (FIELD-NOTES: FreePBX once unbanned without it), deletes the
 * address from the jail's ban set too, and re-reads both before answering, so "unbanned" here means the node
 * itself no longer holds the address, and "not-banned" that it held it in neither.
 */
import { buildUnbanFile } from "@/lib/deploy/staging";
import { parseNetwork } from "@/lib/net/parse";

import { isJailName } from "./fail2ban-status";
import { withNodeConnection } from "./node-connections";
import { setNodeUnbanner, type NodeUnbanJob, type NodeUnbanOutcome, type NodeUnbanner } from "./unban";

/** The agent's run: a fixed allowance plus one per line (a line fail2ban holds costs two fail2ban-client starts). */
const UNBAN_DEADLINE_MS = 30_000;
const UNBAN_DEADLINE_PER_LINE_MS = 250;

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

/** What the agent prints per line. */
type AgentAnswer = "unbanned" | "not-banned" | "still-banned" | "refused";

/** The agent's answer lines → one outcome per asked (address, jail); anything unexpected or missing is "unconfirmed". */
export function parseUnbanOutput(stdout: string, job: Pick<NodeUnbanJob, "jails" | "addresses">): NodeUnbanOutcome[] {
  const answers = new Map<string, AgentAnswer>();
  for (const line of stdout.split("\n")) {
    const m = /^(\S+) (\S+) (unbanned|not-banned|still-banned|refused)$/.exec(line.trim());
    if (!m || !job.jails.includes(m[1]!)) continue;
    const parsed = parseNetwork(m[2]!);
    if (parsed.ok) answers.set(`${m[1]}\u0000${parsed.value.canonical}`, m[3] as AgentAnswer);
  }
  return job.jails.flatMap((jail) =>
    job.addresses.map((address): NodeUnbanOutcome => {
      const answer = answers.get(`${jail}\u0000${address}`);
      if (answer === "unbanned") return { address, jail, state: "unbanned", message: `Unbanned from ${jail}; the node no longer holds it.` };
      if (answer === "not-banned") return { address, jail, state: "not-banned", message: `Not banned in ${jail}.` };
      if (answer === "still-banned") return { address, jail, state: "still-banned", message: `The node still holds it in ${jail} after the unban.` };
      if (answer === "refused") return { address, jail, state: "unconfirmed", message: `The node refused to unban from ${jail}.` };
      return { address, jail, state: "unconfirmed", message: `The node did not confirm the unban from ${jail}.` };
    }),
  );
}

export const sshUnbanner: NodeUnbanner = (job) => {
  const badJail = job.jails.find((jail) => !isJailName(jail));
  if (badJail !== undefined) return Promise.reject(new Error(`Not a jail name: ${badJail}`));
  // buildUnbanFile re-checks jails and addresses against strict patterns before anything is written. Grouped by
  // jail: the agent reads each jail's ban list once per group.
  const entries = job.jails.flatMap((jail) => job.addresses.map((address) => ({ jail, address })));
  const file = buildUnbanFile(entries);
  const deadline = UNBAN_DEADLINE_MS + UNBAN_DEADLINE_PER_LINE_MS * entries.length;
  return serialize(job.nodeId, () =>
    withNodeConnection(job.nodeId, async ({ session }) => {
      await session.upload([file]);
      const result = await session.run("unban", deadline);
      if (result.code !== 0) throw new Error(`unban failed on ${job.nodeName}: ${result.stderr.trim() || `exit ${result.code}`}`);
      return parseUnbanOutput(result.stdout, job);
    }),
  );
};

/** Makes node unbans available in this process (web server, worker, CLI, server actions). Idempotent. */
export function registerSshUnbanner(): void {
  setNodeUnbanner(sshUnbanner);
}
