import { readFileSync } from "node:fs";
import { join } from "node:path";

import type { NodeChannel } from "@/lib/ssh/transport";

import { parseProbe, type ProbeResult } from "./agent-output";
import { agentHash, agentUpload } from "./staging";

// The node agent ships as a file of this repository. It is located from the working directory (the project
// root for `npm start`, the CLI, tests and benches) because bundlers rewrite module-relative paths.
let cached: { script: string; hash: string } | undefined;

export function loadAgentScript(): { script: string; hash: string } {
  if (cached === undefined) {
    const script = readFileSync(join(process.cwd(), "lib", "deploy", "agent", "rampart-node.sh"), "utf8");
    cached = { script, hash: agentHash(script) };
  }
  return cached;
}

/**
 * Probes the node (tools, installed agent, running version) and uploads this agent when the node has another
 * one or none. Every user of the agent calls this first: the push, the drift check and the collector.
 */
export async function ensureAgent(session: NodeChannel, agent: { script: string; hash: string } = loadAgentScript()): Promise<ProbeResult> {
  const probe = parseProbe((await session.run("probe", 30_000)).stdout);
  if (probe.agentHash !== agent.hash) await session.upload([agentUpload(agent.script)]);
  return probe;
}
