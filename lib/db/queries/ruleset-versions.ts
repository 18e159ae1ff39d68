import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { compareArtefacts, formatChangeSummary, type ArtefactChanges } from "@/lib/rulesets/diff";
import { decodeArtefacts } from "@/lib/rulesets/versions";
import { DIFF_LINE_LIMIT, SHORT_HASH_LENGTH, VERSION_REF_MESSAGE, type VersionPageQuery } from "@/lib/validation/ruleset-versions";
import { cursorInstant, decodeKeysetCursor, encodeKeysetCursor, invalidCursorError, toTwoWayPage } from "./keyset-cursor";

// Reading stored ruleset versions (the writer is the push, lib/deploy/batch.ts): the version history newest
// first, one version, and the line changes between two. Versions are immutable and global (not tenant data):
// whoever may read the Rulesets page (policy:read) may read them. Keyset pages on (created_at DESC, id DESC),
// which the ruleset_versions_created_at_id_idx index serves. Artefacts are decompressed only for the rows of
// the page (and the version stored just before its last row), never for the whole history.

export interface VersionChangeCount {
  path: string;
  addedCount: number;
  removedCount: number;
}

export interface RulesetVersionItem {
  hash: string;
  shortHash: string;
  createdAt: Date;
  /** Who stored it: the label of the caller whose push rendered it (an e-mail, `token:<name>`, `cli:<user>`). */
  author: string;
  /** The version stored just before this one, null for the first. */
  previousHash: string | null;
  /** Added and removed lines per artefact against the previous version (changed artefacts only). */
  changes: VersionChangeCount[];
  /** The changes in one line, e.g. "iptables.rules +3 −1". */
  summary: string;
  /** Names of the nodes whose latest confirmed deployment is this version, sorted. */
  runningOn: string[];
}

export interface RulesetVersionPage {
  items: RulesetVersionItem[];
  /** Older versions. */
  nextCursor: string | null;
  /** Newer versions, null on the first page. */
  prevCursor: string | null;
}

export interface RulesetVersionDetail extends RulesetVersionItem {
  /** Every artefact of the version with its size (the contents are too large for an answer). */
  files: { path: string; bytes: number; lines: number }[];
}

export interface RulesetVersionRef {
  hash: string;
  shortHash: string;
  createdAt: Date;
  author: string;
}

export interface ArtefactDiff extends ArtefactChanges {
  /** True when more lines changed than are listed (`added`/`removed` stop at the limit; the counts do not). */
  isTruncated: boolean;
}

export interface RulesetVersionDiff {
  from: RulesetVersionRef;
  to: RulesetVersionRef;
  /** The changed artefacts, in path order. */
  files: ArtefactDiff[];
  addedCount: number;
  removedCount: number;
  lineLimit: number;
}

type Key = { createdAt: Date; id: string };
const versionSelect = { id: true, hash: true, createdAt: true, author: true } as const;
type VersionRow = Prisma.RulesetVersionGetPayload<{ select: typeof versionSelect }>;

const shortHash = (hash: string) => hash.slice(0, SHORT_HASH_LENGTH);
const toRef = (row: VersionRow): RulesetVersionRef => ({ hash: row.hash, shortHash: shortHash(row.hash), createdAt: row.createdAt, author: row.author });

const olderThan = (key: Key): Prisma.RulesetVersionWhereInput => ({ OR: [{ createdAt: { lt: key.createdAt } }, { createdAt: key.createdAt, id: { lt: key.id } }] });
const newerThan = (key: Key): Prisma.RulesetVersionWhereInput => ({ OR: [{ createdAt: { gt: key.createdAt } }, { createdAt: key.createdAt, id: { gt: key.id } }] });

function encodeKey(row: Key, direction: "after" | "before"): string {
  return encodeKeysetCursor([direction, row.createdAt.toISOString(), row.id]);
}

function decodeKey(cursor: string): Key & { direction: "after" | "before" } {
  const [direction, createdAt, id] = decodeKeysetCursor(cursor, 3) as [string, string, string];
  if ((direction !== "after" && direction !== "before") || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw invalidCursorError();
  return { direction, createdAt: cursorInstant(createdAt), id };
}

/** The stored version a hash or unique prefix (at least 8 characters) names; VALIDATION or NOT_FOUND otherwise. */
export async function findRulesetVersion(ref: string): Promise<VersionRow> {
  const prefix = ref.trim().toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(prefix)) throw new AppError("VALIDATION", VERSION_REF_MESSAGE, { hash: [VERSION_REF_MESSAGE] });
  const matches = await getDb().rulesetVersion.findMany({ where: { hash: { startsWith: prefix } }, select: versionSelect, take: 2 });
  if (matches.length === 0) throw new AppError("NOT_FOUND", `No ruleset version ${prefix.length === 64 ? "is" : "starts with"} ${prefix}.`);
  if (matches.length > 1) throw new AppError("VALIDATION", `${prefix} matches more than one version; give more characters.`, { hash: ["Give more characters of the hash."] });
  return matches[0]!;
}

/** The version stored just before each key (by created_at, then id), by version id. */
async function findPreviousVersions(rows: readonly VersionRow[]): Promise<Map<string, VersionRow>> {
  const out = new Map<string, VersionRow>();
  if (rows.length === 0) return out;
  const previous = await getDb().$queryRaw<{ of_id: string; id: string; hash: string; created_at: Date; author: string }[]>`
    SELECT k.id::text AS of_id, p.id::text AS id, p.hash, p.created_at, p.author
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.createdAt)}::timestamptz[]) AS k(id, created_at)
      CROSS JOIN LATERAL (
        SELECT v.id, v.hash, v.created_at, v.author FROM ruleset_versions v
         WHERE (v.created_at, v.id) < (k.created_at, k.id)
         ORDER BY v.created_at DESC, v.id DESC LIMIT 1) p`;
  for (const row of previous) out.set(row.of_id, { id: row.id, hash: row.hash, createdAt: row.created_at, author: row.author });
  return out;
}

/** Node names per version id: nodes whose latest CONFIRMED deployment (by request time) is that version. */
async function findRunningNodes(versionIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (versionIds.length === 0) return out;
  const rows = await getDb().$queryRaw<{ ruleset_id: string; name: string }[]>`
    SELECT c.ruleset_id::text AS ruleset_id, n.name
      FROM nodes n
      CROSS JOIN LATERAL (
        SELECT d.ruleset_id FROM deployments d
         WHERE d.node_id = n.id AND d.state = 'CONFIRMED'
         ORDER BY d.created_at DESC, d.id DESC LIMIT 1) c
     WHERE c.ruleset_id = ANY(${[...versionIds]}::uuid[])
     ORDER BY n.name`;
  for (const row of rows) out.set(row.ruleset_id, [...(out.get(row.ruleset_id) ?? []), row.name]);
  return out;
}

/** Decoded artefacts by version id, read in one query. */
async function loadArtefacts(versionIds: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const ids = [...new Set(versionIds)];
  if (ids.length === 0) return new Map();
  const rows = await getDb().rulesetVersion.findMany({ where: { id: { in: ids } }, select: { id: true, artefacts: true } });
  return new Map(rows.map((row) => [row.id, decodeArtefacts(row.artefacts)]));
}

const toCounts = (changes: readonly ArtefactChanges[]): VersionChangeCount[] =>
  changes.map(({ path, addedCount, removedCount }) => ({ path, addedCount, removedCount }));

/** Items for rows of one page: the previous version, the change summary against it, and the nodes running it. */
async function describeVersions(rows: readonly VersionRow[]): Promise<RulesetVersionItem[]> {
  const [previous, running] = await Promise.all([findPreviousVersions(rows), findRunningNodes(rows.map((r) => r.id))]);
  const artefacts = await loadArtefacts([...rows.map((r) => r.id), ...[...previous.values()].map((p) => p.id)]);
  return rows.map((row) => {
    const before = previous.get(row.id);
    // Counting only (limit 0): the list shows how much changed, the diff shows what.
    const changes = before ? toCounts(compareArtefacts(artefacts.get(before.id) ?? {}, artefacts.get(row.id) ?? {}, 0)) : [];
    return {
      ...toRef(row),
      previousHash: before?.hash ?? null,
      changes,
      summary: formatChangeSummary(changes, before !== undefined),
      runningOn: running.get(row.id) ?? [],
    };
  });
}

/** One page of stored versions, newest first, each with its change summary and the nodes running it. */
export async function listRulesetVersions(caller: Caller, query: VersionPageQuery): Promise<RulesetVersionPage> {
  assertPermission(caller, "policy:read");
  const cursor = query.cursor !== undefined ? decodeKey(query.cursor) : null;
  const isBackward = cursor?.direction === "before";
  const rows = await getDb().rulesetVersion.findMany({
    where: cursor ? (isBackward ? newerThan(cursor) : olderThan(cursor)) : {},
    orderBy: isBackward ? [{ createdAt: "asc" }, { id: "asc" }] : [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: versionSelect,
  });
  const page = toTwoWayPage(rows, { limit: query.limit, isBackward, hasCursor: cursor !== null }, encodeKey);
  return { items: await describeVersions(page.items), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** One version (hash or unique prefix) with its summary, the nodes running it and its artefacts' sizes. */
export async function getRulesetVersion(caller: Caller, ref: string): Promise<RulesetVersionDetail> {
  assertPermission(caller, "policy:read");
  const row = await findRulesetVersion(ref);
  const [item] = await describeVersions([row]);
  const files = (await loadArtefacts([row.id])).get(row.id) ?? {};
  return {
    ...item!,
    files: Object.keys(files)
      .sort()
      .map((path) => ({ path, bytes: Buffer.byteLength(files[path]!, "utf8"), lines: files[path]!.split("\n").filter((line) => line !== "").length })),
  };
}

/**
 * The lines `to` adds and removes against `from`, per artefact (the manifest aside), at most `lineLimit` of
 * each per artefact with complete counts. Either may be a unique prefix; `isOldestFirst` compares the older
 * of the two with the newer whatever the order given.
 */
export async function diffRulesetVersions(
  caller: Caller,
  fromRef: string,
  toVersionRef: string,
  { lineLimit = DIFF_LINE_LIMIT, isOldestFirst = false }: { lineLimit?: number; isOldestFirst?: boolean } = {},
): Promise<RulesetVersionDiff> {
  assertPermission(caller, "policy:read");
  const [first, second] = await Promise.all([findRulesetVersion(fromRef), findRulesetVersion(toVersionRef)]);
  // Two versions picked from the list: what the newer one changed, whichever was picked first.
  const isSwapped = isOldestFirst && (first.createdAt > second.createdAt || (first.createdAt.getTime() === second.createdAt.getTime() && first.id > second.id));
  const [from, to] = isSwapped ? [second, first] : [first, second];
  const artefacts = await loadArtefacts([from.id, to.id]);
  const files = compareArtefacts(artefacts.get(from.id) ?? {}, artefacts.get(to.id) ?? {}, lineLimit).map((change) => ({
    ...change,
    isTruncated: change.added.length < change.addedCount || change.removed.length < change.removedCount,
  }));
  return {
    from: toRef(from),
    to: toRef(to),
    files,
    addedCount: files.reduce((sum, f) => sum + f.addedCount, 0),
    removedCount: files.reduce((sum, f) => sum + f.removedCount, 0),
    lineLimit,
  };
}
