import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

/**
 * Finds a stored version by hash or unique prefix (at least 8 characters), with the nodes that ran it
 * (a confirmed deployment), for `rampart rollback --to` and the Rulesets page.
 */
export async function resolveVersionTargets(prefix: string): Promise<{ hash: string; createdAt: Date; author: string; nodeNames: string[] }> {
  if (!/^[0-9a-f]{8,64}$/.test(prefix)) throw new AppError("VALIDATION", "A version is a hash of hexadecimal characters (at least 8).");
  const matches = await getDb().rulesetVersion.findMany({
    where: { hash: { startsWith: prefix } },
    select: { id: true, hash: true, createdAt: true, author: true },
    take: 2,
  });
  if (matches.length === 0) throw new AppError("NOT_FOUND", `No ruleset version starts with ${prefix}.`);
  if (matches.length > 1) throw new AppError("VALIDATION", `${prefix} matches more than one version; give more characters.`);
  const version = matches[0]!;
  const ran = await getDb().deployment.findMany({
    where: { rulesetId: version.id, state: "CONFIRMED", node: { enabled: true } },
    distinct: ["nodeId"],
    select: { node: { select: { name: true } } },
  });
  return { hash: version.hash, createdAt: version.createdAt, author: version.author, nodeNames: ran.map((d) => d.node.name).sort() };
}
