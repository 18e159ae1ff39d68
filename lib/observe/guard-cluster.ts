/**
 * What one node's call guard learns of the rest of the cluster, as the file the collector uploads to
 * /var/lib/rampart/guard-cluster at every poll (read by rampart-guard-agi.sh, check_cluster):
 *
 *   rampart-guard-cluster=1
 *   at=UNIX_SECONDS                  when the panel wrote it: the node counts the panel unreachable once it is older
 *                                    than the policy's stale_after
 *   day=dYYYYMMDD / month=mYYYYMM    the UTC day and month the spend lines are of
 *   serial=DIGITS                    this file's own: a node takes a file with a new serial as news (two files may be
 *                                    written within one second: a lift right after a poll)
 *   spend_ext=ACCOUNT EXTENSION AMOUNT   today's spend of an extension on the OTHER nodes
 *   spend_day=ACCOUNT AMOUNT             today's spend of a tenant on the other nodes
 *   spend_month=ACCOUNT AMOUNT           this month's spend of a tenant on the other nodes
 *   block=ACCOUNT EXTENSION UNIX         an open block (from any node): refused everywhere
 *   lift=ACCOUNT EXTENSION UNIX          a block lifted at UNIX: a node's own block from before is lifted too
 *   end=1
 *
 * The node adds its own spend, which it counts exactly as its calls end, so no call is counted twice. Spend is the
 * sum of the stored call records' exact costs (lib/guard/outcome.ts) of the calls the guard allowed.
 */
import { getDb } from "@/lib/db/client";
import { fromMoneyUnits, toMoneyUnits, utcPeriods } from "@/lib/pricing/budget";
import { GUARD_WORD_PATTERN } from "@/lib/validation/call-guard";
import { MONEY_PATTERN } from "@/lib/validation/call-limits";
import { NODE_DIR } from "@/lib/ssh/commands";
import type { UploadFile } from "@/lib/ssh/session";

export const GUARD_CLUSTER_PATH = `${NODE_DIR}/guard-cluster`;
/** Lifts are sent this long after they happen (a node down longer keeps its own block: lift it again). */
export const LIFT_MEMORY_MS = 2 * 86_400_000;

export interface GuardClusterState {
  now: Date;
  extensionDay: ReadonlyArray<{ accountCode: string; extension: string; amount: string }>;
  tenantDay: ReadonlyArray<{ accountCode: string; amount: string }>;
  tenantMonth: ReadonlyArray<{ accountCode: string; amount: string }>;
  blocks: ReadonlyArray<{ accountCode: string; extension: string; at: Date }>;
  lifts: ReadonlyArray<{ accountCode: string; extension: string; at: Date }>;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
export const utcDayKey = (d: Date) => `d${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
export const utcMonthKey = (d: Date) => `m${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}`;
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

let serial = 0;

/** The file's text; lines whose words the node would refuse are left out (and so is nothing else). */
export function renderGuardCluster(state: GuardClusterState): string {
  const word = (text: string) => GUARD_WORD_PATTERN.test(text);
  const money = (text: string) => MONEY_PATTERN.test(text);
  serial = (serial + 1) % 1_000_000;
  const lines = ["rampart-guard-cluster=1", `at=${unix(state.now)}`, `day=${utcDayKey(state.now)}`, `month=${utcMonthKey(state.now)}`, `serial=${Date.now()}${String(serial).padStart(6, "0")}`];
  for (const s of state.extensionDay) if (word(s.accountCode) && word(s.extension) && money(s.amount)) lines.push(`spend_ext=${s.accountCode} ${s.extension} ${s.amount}`);
  for (const s of state.tenantDay) if (word(s.accountCode) && money(s.amount)) lines.push(`spend_day=${s.accountCode} ${s.amount}`);
  for (const s of state.tenantMonth) if (word(s.accountCode) && money(s.amount)) lines.push(`spend_month=${s.accountCode} ${s.amount}`);
  for (const b of state.blocks) if (word(b.accountCode) && word(b.extension)) lines.push(`block=${b.accountCode} ${b.extension} ${unix(b.at)}`);
  for (const l of state.lifts) if (word(l.accountCode) && word(l.extension)) lines.push(`lift=${l.accountCode} ${l.extension} ${unix(l.at)}`);
  lines.push("end=1");
  return lines.map((line) => `${line}\n`).join("");
}

interface SpendRow {
  account_code: string;
  extension: string | null;
  day: string | null;
  month: string;
}

/** The cluster state as node `nodeId` needs it: every other node's spend, and the cluster's blocks and lifts. */
export async function loadGuardClusterState(nodeId: string, now: Date): Promise<GuardClusterState> {
  const db = getDb();
  const { dayStart, monthStart, monthEnd } = utcPeriods(now);
  const liftedSince = new Date(now.getTime() - LIFT_MEMORY_MS);
  const [rows, blocks] = await Promise.all([
    // Served by call_records_guard_spend_idx (account_code, started_at) WHERE guard_outcome = 'ALLOW'.
    db.$queryRaw<SpendRow[]>`
      SELECT account_code, guard_extension AS extension,
             (SUM(cost) FILTER (WHERE started_at >= ${dayStart}))::numeric(14,4)::text AS day,
             SUM(cost)::numeric(14,4)::text AS month
      FROM call_records
      WHERE guard_outcome = 'ALLOW' AND cost IS NOT NULL AND node_id <> ${nodeId}::uuid
        AND started_at >= ${monthStart} AND started_at < ${monthEnd}
      GROUP BY account_code, guard_extension
      ORDER BY account_code, guard_extension`,
    // Open blocks and recent lifts, in one read.
    db.extensionBlock.findMany({ where: { OR: [{ liftedAt: null }, { liftedAt: { gte: liftedSince } }] }, orderBy: [{ accountCode: "asc" }, { extension: "asc" }] }),
  ]);
  const units = (text: string | null) => (text === null ? 0n : toMoneyUnits(text));
  const text = fromMoneyUnits;
  const tenantDay = new Map<string, bigint>();
  const tenantMonth = new Map<string, bigint>();
  const extensionDay: { accountCode: string; extension: string; amount: string }[] = [];
  for (const row of rows) {
    tenantDay.set(row.account_code, (tenantDay.get(row.account_code) ?? 0n) + units(row.day));
    tenantMonth.set(row.account_code, (tenantMonth.get(row.account_code) ?? 0n) + units(row.month));
    if (row.extension !== null && row.day !== null) extensionDay.push({ accountCode: row.account_code, extension: row.extension, amount: text(units(row.day)) });
  }
  return {
    now,
    extensionDay,
    tenantDay: [...tenantDay].map(([accountCode, value]) => ({ accountCode, amount: text(value) })),
    tenantMonth: [...tenantMonth].map(([accountCode, value]) => ({ accountCode, amount: text(value) })),
    blocks: blocks.flatMap((b) => (b.liftedAt === null ? [{ accountCode: b.accountCode, extension: b.extension, at: b.blockedAt }] : [])),
    lifts: blocks.flatMap((b) => (b.liftedAt === null ? [] : [{ accountCode: b.accountCode, extension: b.extension, at: b.liftedAt }])),
  };
}

/** The upload that tells node `nodeId` the cluster's state now (readable by an Asterisk that runs as its own user). */
export async function guardClusterUpload(nodeId: string, now: Date): Promise<UploadFile> {
  return { path: GUARD_CLUSTER_PATH, content: renderGuardCluster(await loadGuardClusterState(nodeId, now)), mode: 0o644 };
}
