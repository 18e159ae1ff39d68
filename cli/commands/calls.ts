import type { Caller } from "@/lib/auth/caller";
import { listCallRecords, type CallRecordItem } from "@/lib/db/queries/call-records";
import { listNodes } from "@/lib/db/queries/nodes";
import { guardReasonText } from "@/lib/format/guard-reason";
import { formatInstant } from "@/lib/format/instant";
import { formatMoney } from "@/lib/validation/call-limits";
import { callRecordListSchema } from "@/lib/validation/call-records";
import { getCliActor, UsageError, withDatabase } from "../context";
import { formatZodError } from "../format";
import { printable } from "./lists";

// `rampart calls list`: the call records the collector stored from the nodes' Asterisk CDRs, with the call guard's
// decision, reason, extension and cost, through the same schema and data layer as the Calls page and
// GET /api/v1/calls, as the CLI actor with full rights.

const cliCaller = (): Caller => ({ role: "ADMIN", tenantId: null, actor: getCliActor() });

const OPTION_NAMES: Record<string, string> = { nodeId: "--node", accountCode: "--account", limit: "--limit", cursor: "--cursor" };

/** The guard's decision and, beside it, why ("REFUSE: The extension's daily limit is reached"); "-" when it did not decide. */
function guardColumn(call: CallRecordItem): string {
  if (call.guardOutcome === null) return "-";
  return call.guardReason === null ? call.guardOutcome : `${call.guardOutcome}: ${guardReasonText(call.guardReason)}`;
}

/** Fixed-width columns, times in UTC; every text from a CDR made printable (a CDR field may hold any byte). */
export function formatCallTable(items: readonly CallRecordItem[], nodeNames: ReadonlyMap<string, string>): string[] {
  if (items.length === 0) return ["no call records"];
  const header = ["STARTED (UTC)", "NODE", "ACCOUNT", "SOURCE -> DESTINATION", "DISPOSITION", "BILLED/DURATION", "EXTENSION", "COST", "GUARD"];
  const rows = items.map((c) => [
    formatInstant(c.startedAt, { hasSeconds: true, hasZone: false }),
    nodeNames.get(c.nodeId) ?? c.nodeId,
    c.accountCode || "-",
    `${c.source || "-"} -> ${c.destination || "-"}`,
    c.disposition,
    `${c.billSeconds}/${c.durationSeconds} s`,
    c.guardExtension ?? "-",
    c.cost !== null && c.currency !== null ? formatMoney(c.cost, c.currency) : "-",
    guardColumn(c),
  ]);
  const table = [header, ...rows.map((row) => row.map(printable))];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "));
}

export async function callsList(values: { node?: string; account?: string; limit?: string; cursor?: string; json?: boolean }): Promise<void> {
  const parsed = callRecordListSchema.omit({ nodeId: true }).safeParse({ accountCode: values.account, limit: values.limit, cursor: values.cursor });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = OPTION_NAMES[String(issue?.path[0])];
    throw new UsageError(option && issue ? `${option}: ${issue.message}` : formatZodError(parsed.error));
  }
  await withDatabase(async () => {
    const nodes = await listNodes(cliCaller());
    let nodeId: string | undefined;
    if (values.node !== undefined) {
      nodeId = nodes.find((n) => n.name === values.node)?.id;
      if (nodeId === undefined) throw new UsageError(`No node named ${printable(values.node)}.`);
    }
    const page = await listCallRecords(cliCaller(), { ...parsed.data, nodeId });
    const nodeNames = new Map(nodes.map((n) => [n.id, n.name]));
    if (values.json) {
      const items = page.items.map((c) => ({ ...c, node: nodeNames.get(c.nodeId) ?? null }));
      process.stdout.write(`${JSON.stringify({ items, nextCursor: page.nextCursor }, null, 2)}\n`);
      return;
    }
    for (const line of formatCallTable(page.items, nodeNames)) console.log(line);
    if (page.nextCursor !== null) console.error(`older records not shown: add --cursor ${page.nextCursor}`);
  });
}
