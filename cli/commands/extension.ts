import type { Caller } from "@/lib/auth/caller";
import { listExtensionBlocks, type ExtensionBlockItem } from "@/lib/db/queries/extension-blocks";
import { formatInstant } from "@/lib/format/instant";
import { liftBlockOnCluster, type ClusterSync } from "@/lib/observe/lift-extension-block";
import { closeAllNodeConnections } from "@/lib/observe/node-connections";
import { extensionBlockListSchema, liftBlockByExtensionSchema } from "@/lib/validation/extension-blocks";
import { getCliActor, UsageError, withDatabase } from "../context";
import { formatZodError } from "../format";
import { printable } from "./lists";

// `rampart extension blocks` and `rampart extension unblock`: the call guard's extension blocks through the same
// schemas, data layer and lift service as the Blocked extensions page and /api/v1/call-limits/blocks, as the CLI
// actor with full rights (lifted_by and the audit log name cli:<user>).

const cliCaller = (): Caller => ({ role: "ADMIN", tenantId: null, actor: getCliActor() });

const OPTION_NAMES: Record<string, string> = { limit: "--limit", cursor: "--cursor" };

const UNBLOCK_USAGE = "usage: extension unblock ACCOUNT_CODE EXTENSION [--json]";

/** Fixed-width columns, times in UTC. */
export function formatBlockTable(items: readonly ExtensionBlockItem[]): string[] {
  if (items.length === 0) return ["no extension blocks"];
  const time = (date: Date) => formatInstant(date, { hasSeconds: true, hasZone: false });
  const header = ["STATE", "ACCOUNT", "EXTENSION", "TENANT", "NUMBER", "NODE", "BLOCKED (UTC)", "LIFTED (UTC)"];
  const rows = items.map((b) => [
    b.isOpen ? "BLOCKED" : "lifted",
    b.accountCode,
    b.extension,
    b.tenantName ?? "-",
    b.number,
    b.nodeName ?? "-",
    time(b.blockedAt),
    b.liftedAt === null ? "-" : `${time(b.liftedAt)} by ${b.liftedBy ?? "?"}`,
  ]);
  const table = [header, ...rows.map((row) => row.map(printable))];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "));
}

export async function extensionBlocks(values: { open?: boolean; limit?: string; cursor?: string; json?: boolean }): Promise<void> {
  const parsed = extensionBlockListSchema.safeParse({ open: values.open ? "true" : undefined, limit: values.limit, cursor: values.cursor });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = OPTION_NAMES[String(issue?.path[0])];
    throw new UsageError(option && issue ? `${option}: ${issue.message}` : formatZodError(parsed.error));
  }
  await withDatabase(async () => {
    const page = await listExtensionBlocks(cliCaller(), parsed.data);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
      return;
    }
    for (const line of formatBlockTable(page.items)) console.log(line);
    if (page.nextCursor !== null) console.error(`more blocks not shown: add --cursor ${page.nextCursor}`);
  });
}

/** `sync` is the cluster sync the lift sends (injected by tests; the real one otherwise). */
export async function extensionUnblock(values: { json?: boolean }, positionals: string[], sync?: ClusterSync): Promise<void> {
  if (positionals.length !== 2) throw new UsageError(UNBLOCK_USAGE);
  const parsed = liftBlockByExtensionSchema.safeParse({ accountCode: positionals[0], extension: positionals[1] });
  if (!parsed.success) throw new UsageError(`${formatZodError(parsed.error)}\n${UNBLOCK_USAGE}`);
  await withDatabase(async () => {
    const result = await liftBlockOnCluster(cliCaller(), parsed.data, sync).finally(closeAllNodeConnections);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const { block, nodes } = result;
    console.log(`lifted the block of extension ${block.extension} (account code ${block.accountCode}, blocked ${formatInstant(block.blockedAt, { hasSeconds: true })} for calling ${block.number})`);
    console.log(nodes.pending === 0 ? `sent to ${nodes.updated} node(s) now` : `sent to ${nodes.updated} node(s) now; ${nodes.pending} not reachable get it with their next poll`);
  });
}
