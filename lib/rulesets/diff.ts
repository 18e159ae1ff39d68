// What changed between two versions of one artefact, line by line. Rule files are compared as multisets of
// lines (a moved line is not a change for sets; for chains the rule list is shown whole anyway), which stays
// linear for million-line ipset files where an LCS diff would not.

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
