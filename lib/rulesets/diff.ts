// What changed between two versions of one artefact, line by line. Rule files are compared as multisets of
// lines (a moved line is not a change for sets; for chains the rule list is shown whole anyway), which stays
// linear for million-line ipset files where an LCS diff would not.

import { ARTEFACT_PATHS } from "@/lib/rules/names";

const MANIFEST_PATH: string = ARTEFACT_PATHS.manifest;

export interface LineChanges {
  added: string[];
  removed: string[];
  addedCount: number;
  removedCount: number;
}

/** Lines present in `next` but not `previous` (and vice versa), counting repeats; keeps at most `limit` of each. */
export function compareLines(previous: string, next: string, limit = 200): LineChanges {
  const counts = new Map<string, number>();
  for (const line of previous.split("\n")) if (line !== "") counts.set(line, (counts.get(line) ?? 0) + 1);
  const added: string[] = [];
  let addedCount = 0;
  for (const line of next.split("\n")) {
    if (line === "") continue;
    const left = counts.get(line) ?? 0;
    if (left > 0) counts.set(line, left - 1);
    else {
      addedCount++;
      if (added.length < limit) added.push(line);
    }
  }
  const removed: string[] = [];
  let removedCount = 0;
  for (const [line, left] of counts) {
    if (left === 0) continue;
    removedCount += left;
    for (let i = 0; i < left && removed.length < limit; i++) removed.push(line);
  }
  return { added, removed, addedCount, removedCount };
}

export interface ArtefactChanges extends LineChanges {
  path: string;
}

/**
 * What changed between two versions' artefacts, per path in ascending order (the union of both versions'
 * paths: a file only one of them has is all added or all removed), only the paths with a change. The
 * manifest is left out: it names the version, so it differs between any two (the hash covers the rest).
 */
export function compareArtefacts(previous: Readonly<Record<string, string>>, next: Readonly<Record<string, string>>, limit = 200): ArtefactChanges[] {
  const paths = [...new Set([...Object.keys(previous), ...Object.keys(next)])].filter((path) => path !== MANIFEST_PATH).sort();
  return paths
    .map((path) => ({ path, ...compareLines(previous[path] ?? "", next[path] ?? "", limit) }))
    .filter((change) => change.addedCount > 0 || change.removedCount > 0);
}

/** One line for a list: "iptables.rules +3 −1, ipset.restore +120", or what stands for no change. */
export function formatChangeSummary(changes: readonly Pick<ArtefactChanges, "path" | "addedCount" | "removedCount">[], hasPrevious: boolean): string {
  if (!hasPrevious) return "First stored version";
  if (changes.length === 0) return "No line changes";
  return changes
    .map((c) => [c.path, c.addedCount > 0 ? `+${c.addedCount.toLocaleString("en")}` : "", c.removedCount > 0 ? `−${c.removedCount.toLocaleString("en")}` : ""].filter(Boolean).join(" "))
    .join(", ");
}
