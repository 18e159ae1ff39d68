/**
 * Call alerts: the e-mail at 80 % and at 100 % of each call-cost budget (an extension's day, a tenant's day, a
 * tenant's month) and on every abuse block of an extension, digested like the ban mail (one message per digest
 * window, whatever a cycle found).
 *
 * Pure and deterministic: no clock, no I/O. The caller passes the spend (lib/db/queries/spend.ts), the recent blocks
 * and the keys of the alerts already sent; this module says which alerts are due, under which keys they are
 * recorded, and writes the message. Each threshold of each budget and period has one key, so it is alerted once;
 * a budget that jumps past both thresholds in one cycle is listed once, at 100 %, and both keys are recorded.
 */
import { reachedThresholds, percentOfBudget, type BudgetThreshold } from "@/lib/pricing/budget";
import { formatMoney } from "@/lib/validation/call-limits";

import { formatDigestTime } from "./ban-digest";

export type BudgetKind = "extension-daily" | "tenant-daily" | "tenant-monthly";

/** One budget as the alert check sees it: who, which period, spend and limit (exact decimal text). */
export interface BudgetSpend {
  kind: BudgetKind;
  tenantName: string;
  accountCode: string;
  /** Only for extension-daily. */
  extension: string | null;
  /** "YYYY-MM-DD" for a day, "YYYY-MM" for a month (UTC). */
  period: string;
  spent: string;
  limit: string | null;
  currency: string;
}

export interface BudgetAlert extends BudgetSpend {
  /** The highest threshold newly reached. */
  threshold: BudgetThreshold;
  limit: string;
  /** Share used, two decimals rounded down; null against a limit of 0. */
  percent: string | null;
}

export interface BlockAlert {
  /** The extension_blocks row id: one alert per block. */
  id: string;
  accountCode: string;
  /** The tenant with this account code, if any. */
  tenantName: string | null;
  extension: string;
  number: string;
  node: string | null;
  blockedAt: Date;
}

export interface DueCallAlerts {
  budgets: BudgetAlert[];
  blocks: BlockAlert[];
  /** Every key to record as sent with this digest (including thresholds passed over on the way to a higher one). */
  keys: string[];
}

/** What the spend overview holds of a tenant, narrowed to what the budgets need. */
export interface SpendForAlerts {
  day: string;
  month: string;
  tenants: ReadonlyArray<{
    tenantName: string;
    accountCode: string;
    currency: string;
    today: string;
    month: string;
    dailyLimit: string | null;
    monthlyLimit: string | null;
    extensions: ReadonlyArray<{ extension: string; today: string; dailyLimit: string | null; currency: string }>;
  }>;
}

const KIND_LABELS: Record<BudgetKind, string> = {
  "extension-daily": "extension daily limit",
  "tenant-daily": "tenant daily limit",
  "tenant-monthly": "tenant monthly limit",
};

/** The key a budget's threshold is recorded under: unique per budget, period and threshold. */
export function budgetAlertKey(budget: Pick<BudgetSpend, "kind" | "accountCode" | "extension" | "period">, threshold: BudgetThreshold): string {
  const part = (text: string) => encodeURIComponent(text);
  return `budget:${budget.kind}:${budget.period}:${threshold}:${part(budget.accountCode)}:${part(budget.extension ?? "")}`;
}

export function blockAlertKey(blockId: string): string {
  return `block:${blockId}`;
}

/** Every budget with a limit in the spend: each tenant's day and month, each limited extension's day. */
export function listBudgets(spend: SpendForAlerts): BudgetSpend[] {
  const out: BudgetSpend[] = [];
  for (const t of spend.tenants) {
    const base = { tenantName: t.tenantName, accountCode: t.accountCode };
    if (t.dailyLimit !== null) out.push({ ...base, kind: "tenant-daily", extension: null, period: spend.day, spent: t.today, limit: t.dailyLimit, currency: t.currency });
    if (t.monthlyLimit !== null) out.push({ ...base, kind: "tenant-monthly", extension: null, period: spend.month, spent: t.month, limit: t.monthlyLimit, currency: t.currency });
    for (const e of t.extensions) {
      if (e.dailyLimit !== null) out.push({ ...base, kind: "extension-daily", extension: e.extension, period: spend.day, spent: e.today, limit: e.dailyLimit, currency: e.currency });
    }
  }
  return out;
}

/** The alerts not sent yet: per budget the highest newly reached threshold, and every block not alerted. */
export function findDueCallAlerts(budgets: readonly BudgetSpend[], blocks: readonly BlockAlert[], sentKeys: ReadonlySet<string>): DueCallAlerts {
  const due: DueCallAlerts = { budgets: [], blocks: [], keys: [] };
  for (const budget of budgets) {
    if (budget.limit === null) continue;
    const fresh = reachedThresholds(budget.spent, budget.limit).filter((threshold) => !sentKeys.has(budgetAlertKey(budget, threshold)));
    const highest = fresh.at(-1);
    if (highest === undefined) continue;
    due.budgets.push({ ...budget, limit: budget.limit, threshold: highest, percent: percentOfBudget(budget.spent, budget.limit) });
    due.keys.push(...fresh.map((threshold) => budgetAlertKey(budget, threshold)));
  }
  for (const block of blocks) {
    const key = blockAlertKey(block.id);
    if (sentKeys.has(key)) continue;
    due.blocks.push(block);
    due.keys.push(key);
  }
  return due;
}

export interface CallAlertDigestInput {
  budgets: readonly BudgetAlert[];
  blocks: readonly BlockAlert[];
  until: Date;
  /** Most lines per section; the rest are summed up as "and N more". */
  limit?: number;
  spendPageUrl?: string | null;
  blocksPageUrl?: string | null;
}

export interface CallAlertDigest {
  subject: string;
  text: string;
  count: number;
}

export const DEFAULT_CALL_ALERT_LIMIT = 50;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Names come from forms and CDRs: one line each, so they can never add a header or a fake line to the mail. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ").trim();
}

function who(tenantName: string | null, accountCode: string): string {
  return tenantName === null ? `account ${oneLine(accountCode)}` : `${oneLine(tenantName)} (${oneLine(accountCode)})`;
}

function budgetOrder(a: BudgetAlert, b: BudgetAlert): number {
  return b.threshold - a.threshold || a.accountCode.localeCompare(b.accountCode) || a.kind.localeCompare(b.kind) || (a.extension ?? "").localeCompare(b.extension ?? "");
}

function blockOrder(a: BlockAlert, b: BlockAlert): number {
  return a.blockedAt.getTime() - b.blockedAt.getTime() || a.accountCode.localeCompare(b.accountCode) || a.extension.localeCompare(b.extension) || a.id.localeCompare(b.id);
}

function describeBudget(alert: BudgetAlert): string {
  const subject = alert.kind === "extension-daily" ? `Extension ${oneLine(alert.extension ?? "")} of ${who(alert.tenantName, alert.accountCode)}` : who(alert.tenantName, alert.accountCode);
  const used = alert.percent === null ? "" : ` (${alert.percent} %)`;
  return (
    `${String(alert.threshold).padStart(3)} %  ${subject}: ${KIND_LABELS[alert.kind]} for ${alert.period}, ` +
    `spent ${formatMoney(alert.spent, alert.currency)} of ${formatMoney(alert.limit, alert.currency)}${used}`
  );
}

function subjectOf(budgets: BudgetAlert[], blocks: BlockAlert[]): string {
  const total = budgets.length + blocks.length;
  const only = total === 1 ? (budgets[0] ?? null) : null;
  if (only) {
    const whom = only.kind === "extension-daily" ? `extension ${oneLine(only.extension ?? "")} of ${oneLine(only.tenantName)}` : oneLine(only.tenantName);
    return `[Rampart] ${whom} reached ${only.threshold} % of its ${KIND_LABELS[only.kind].replace(/^(extension|tenant) /, "")}`;
  }
  const block = total === 1 ? (blocks[0] ?? null) : null;
  if (block) return `[Rampart] Extension ${oneLine(block.extension)} blocked for abuse (${oneLine(block.tenantName ?? block.accountCode)})`;
  const parts = [budgets.length > 0 ? plural(budgets.length, "budget alert") : null, blocks.length > 0 ? plural(blocks.length, "extension block") : null];
  return `[Rampart] Call alerts: ${parts.filter(Boolean).join(", ")}`;
}

/** The digest message, or null when nothing is due (no mail is sent then). */
export function buildCallAlertDigest(input: CallAlertDigestInput): CallAlertDigest | null {
  const count = input.budgets.length + input.blocks.length;
  if (count === 0) return null;
  const limit = Math.max(1, Math.trunc(input.limit ?? DEFAULT_CALL_ALERT_LIMIT));
  const budgets = [...input.budgets].sort(budgetOrder);
  const blocks = [...input.blocks].sort(blockOrder);

  const lines: string[] = [`Rampart call alerts up to ${formatDigestTime(input.until)}.`];
  if (budgets.length > 0) {
    lines.push("", `Budgets (what the calls the call guard allowed cost, on every node; days and months in UTC):`);
    for (const alert of budgets.slice(0, limit)) lines.push(`  ${describeBudget(alert)}`);
    if (budgets.length > limit) lines.push(`  …and ${budgets.length - limit} more.`);
    lines.push("A budget at 100 % refuses further calls it limits until the next day or month (when the call guard is on).");
    if (input.spendPageUrl) lines.push(`Spend against every limit: ${input.spendPageUrl}`);
  }
  if (blocks.length > 0) {
    lines.push("", "Extensions blocked for abuse (too many calls to one international number); every node refuses their calls until the block is lifted:");
    for (const block of blocks.slice(0, limit)) {
      lines.push(
        `  ${formatDigestTime(block.blockedAt)}  extension ${oneLine(block.extension)} of ${who(block.tenantName, block.accountCode)}, ` +
          `number ${oneLine(block.number)}${block.node ? ` on ${oneLine(block.node)}` : ""}`,
      );
    }
    if (blocks.length > limit) lines.push(`  …and ${blocks.length - limit} more.`);
    if (input.blocksPageUrl) lines.push(`Review and lift blocks: ${input.blocksPageUrl}`);
  }
  lines.push("", "Each threshold of each budget is mailed once per day or month, each block once; change the recipients under Settings → Notifications.");
  return { subject: subjectOf(budgets, blocks), text: `${lines.join("\n")}\n`, count };
}
