import type { Caller } from "@/lib/auth/caller";
import { diffRulesetVersions, listRulesetVersions, type RulesetVersionDiff, type RulesetVersionItem } from "@/lib/db/queries/ruleset-versions";
import { VERSION_PAGE_LIMITS, versionPageSchema } from "@/lib/validation/ruleset-versions";

import { getCliActor, UsageError, withDatabase } from "../context";
import { printable } from "./lists";

// `rampart versions list` and `rampart versions diff`: the version history page's data layer, as the CLI actor
// with full rights. Rolling back to a version is `rampart rollback --to HASH`.

function cliCaller(): Caller {
  return { role: "ADMIN", tenantId: null, actor: getCliActor() };
}

/** Fixed-width columns; author and node names made printable. */
export function formatVersionTable(versions: readonly RulesetVersionItem[]): string[] {
  if (versions.length === 0) return ["no ruleset version stored yet: a push stores the versions it renders"];
  const header = ["VERSION", "STORED (UTC)", "AUTHOR", "RUNNING ON", "CHANGES"];
  const rows = versions.map((v) => [v.shortHash, v.createdAt.toISOString().slice(0, 19).replace("T", " "), v.author, v.runningOn.join(",") || "-", v.summary]);
  const table = [header, ...rows.map((row) => row.map(printable))];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "));
}

/** The diff as terminal lines: a heading per artefact, then its removed and added lines. */
export function formatVersionDiff(diff: RulesetVersionDiff): string[] {
  const lines = [`${diff.from.shortHash} -> ${diff.to.shortHash}: ${diff.addedCount} line(s) added, ${diff.removedCount} removed`];
  for (const file of diff.files) {
    lines.push(`--- ${printable(file.path)} (+${file.addedCount} -${file.removedCount})`);
    for (const line of file.removed) lines.push(`- ${printable(line)}`);
    for (const line of file.added) lines.push(`+ ${printable(line)}`);
    if (file.isTruncated) lines.push(`  (the first ${diff.lineLimit} added and removed lines are shown)`);
  }
  return lines;
}

export async function versionsList(values: { limit?: string; json?: boolean }): Promise<void> {
  const parsed = versionPageSchema.safeParse({ limit: values.limit });
  if (!parsed.success) throw new UsageError((parsed.error.issues[0]?.message ?? "--limit is not valid.").replace(/^limit/, "--limit"));
  await withDatabase(async () => {
    const page = await listRulesetVersions(cliCaller(), parsed.data);
    if (values.json) console.log(JSON.stringify(page.items, null, 2));
    else for (const line of formatVersionTable(page.items)) console.log(line);
    if (page.nextCursor !== null) console.error(`older versions not shown: raise --limit (at most ${VERSION_PAGE_LIMITS.max})`);
  });
}

export async function versionsDiff(values: { json?: boolean }, positionals: string[]): Promise<void> {
  if (positionals.length !== 2) throw new UsageError("usage: versions diff A B   (A and B: version hashes or unique prefixes of at least 8)");
  await withDatabase(async () => {
    const diff = await diffRulesetVersions(cliCaller(), positionals[0]!, positionals[1]!);
    if (values.json) console.log(JSON.stringify(diff, null, 2));
    else for (const line of formatVersionDiff(diff)) console.log(line);
  });
}
