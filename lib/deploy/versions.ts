import { getDb } from "@/lib/db/client";
import { findRulesetVersion } from "@/lib/db/queries/ruleset-versions";

/**
 * Finds a stored version by hash or unique prefix (at least 8 characters), with the nodes that ran it
 * (a confirmed deployment), for `rampart rollback --to`.
 */
export async function resolveVersionTargets(prefix: string): Promise<{ hash: string; createdAt: Date; author: string; nodeNames: string[] }> {
  const version = await findRulesetVersion(prefix);
  const ran = await getDb().deployment.findMany({
    where: { rulesetId: version.id, state: "CONFIRMED", node: { enabled: true } },
    distinct: ["nodeId"],
    select: { node: { select: { name: true } } },
  });
  return { hash: version.hash, createdAt: version.createdAt, author: version.author, nodeNames: ran.map((d) => d.node.name).sort() };
}
