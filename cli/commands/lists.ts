import { createWriteStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { z } from "zod";
import type { Caller } from "@/lib/auth/caller";
import { importAddressText, iterateAddressEntries, type ImportReport } from "@/lib/db/queries/address-entries";
import { csvHeader, entryToCsvRow } from "@/lib/lists/export";
import type { ListTarget } from "@/lib/lists/targets";
import { IMPORT_FORMATS, importOptionsSchema, MAX_IMPORT_TEXT_LENGTH, scopeSchema } from "@/lib/validation/address-entry";
import { getCliActor, UsageError, withDatabase } from "../context";
import { formatZodError } from "../format";
import { readStdin } from "./address";
import { resolveTenantId } from "./user";
import { safeText } from "@/lib/validation/text";

// `rampart lists import` and `rampart lists export`: the same parser, checks and import path as the dashboard
// and the API (lib/db/queries/address-entries importAddressText), acting as the CLI actor with full rights.

export const listsImportOptions = {
  list: { type: "string" },
  tenant: { type: "string" },
  format: { type: "string" },
  comment: { type: "string" },
  covered: { type: "string" },
  broad: { type: "string" },
  scope: { type: "string" },
} as const;

export const listsExportOptions = {
  list: { type: "string" },
  tenant: { type: "string" },
  output: { type: "string" },
} as const;

export const LISTS_HELP = `  lists import --list L FILE [--tenant T] [--format auto|text|csv] [--comment C] [--covered skip|add] [--broad refuse|allow]
               [--scope ALL|SIP|NO_BAN]   import addresses (one per line, or CSV network,comment,expiry; FILE "-" reads stdin);
                                          prints accepted and rejected counts and every rejected line with its reason.
                                          --scope (whitelist only, default ALL): what the lines trust, unless a CSV scope
                                          column (as the export writes it) gives a line its own; ALL: every port,
                                          SIP: SIP and RTP only, NO_BAN: never banned by the VoIP jail
  lists export --list L [--tenant T] [--output FILE]
                                          export a list as CSV (stdout by default)
lists: whitelist, blocklist, management, tenant (with --tenant NAME-OR-ID)`;

const listArg = z.enum(["whitelist", "blocklist", "management", "tenant"], { error: "--list must be whitelist, blocklist, management or tenant." });

function cliCaller(): Caller {
  return { role: "ADMIN", tenantId: null, actor: getCliActor() };
}

async function resolveTarget(list: z.infer<typeof listArg>, tenant: string | undefined): Promise<ListTarget> {
  if (list === "tenant") {
    const tenantId = await resolveTenantId(tenant);
    if (tenantId === null) throw new UsageError("--list tenant needs --tenant NAME-OR-ID.");
    return { kind: "tenant", tenantId };
  }
  if (tenant !== undefined) throw new UsageError("--tenant applies only to --list tenant.");
  return { kind: list };
}

/** Control and invisible characters shown as \u{…}, so hostile input cannot drive the terminal. */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

const count = (n: number) => n.toLocaleString("en-US");

/** The report as terminal lines: counts first, then every rejected line. */
export function formatImportReport(report: ImportReport, source: string): string[] {
  const lines = [
    `read ${count(report.lines)} lines from ${source} (${report.format})`,
    `accepted: ${count(report.accepted)}`,
    `rejected: ${count(report.rejected.length)} (${count(report.duplicates)} duplicate, ${count(report.covered)} covered, ${count(report.rejected.length - report.duplicates - report.covered)} invalid)`,
    `skipped:  ${count(report.skipped)} (blank, comment or header lines)`,
  ];
  if (report.pending > 0) lines.push(`waiting for approval: ${count(report.pending)} of the accepted (they have no effect until an administrator approves them)`);
  for (const notice of report.notices) lines.push(`note: ${printable(notice)}`);
  if (report.rejected.length > 0) {
    lines.push("rejected lines:");
    for (const r of report.rejected) lines.push(`  line ${r.line}: ${printable(JSON.stringify(r.text))}: ${printable(r.reason)}`);
  }
  return lines;
}

async function writeAll(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}

export async function listsImport(values: Record<string, string | undefined>, positionals: string[]): Promise<void> {
  const args = z
    .object({
      list: listArg,
      tenant: safeText().optional(),
      format: z.enum(IMPORT_FORMATS, { error: "--format must be auto, text or csv." }).optional(),
      comment: safeText().optional(),
      covered: z.enum(["skip", "add"], { error: "--covered must be skip or add." }).optional(),
      broad: z.enum(["refuse", "allow"], { error: "--broad must be refuse or allow." }).optional(),
      scope: scopeSchema.optional(),
    })
    .safeParse(values);
  if (!args.success) throw new UsageError(`${formatZodError(args.error)}\nusage:\n${LISTS_HELP}`);
  if (positionals.length !== 1) throw new UsageError(`name one FILE (or - for standard input)\nusage:\n${LISTS_HELP}`);
  const file = positionals[0]!;
  const options = importOptionsSchema.safeParse({
    format: args.data.format ?? (file.toLowerCase().endsWith(".csv") ? "csv" : "auto"),
    comment: args.data.comment,
    allowCovered: args.data.covered === "add",
    confirmBroad: args.data.broad === "allow",
    scope: args.data.scope,
  });
  if (!options.success) throw new UsageError(formatZodError(options.error));
  if (options.data.scope !== undefined && args.data.list !== "whitelist") throw new UsageError("--scope applies only to --list whitelist.");

  let text: string;
  if (file === "-") {
    text = await readStdin();
  } else {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new UsageError(`${file}: no such file`);
    if (info.size > MAX_IMPORT_TEXT_LENGTH * 2) throw new UsageError(`${file}: too large (${count(info.size)} bytes); split it into parts.`);
    text = await readFile(file, "utf8");
  }
  if (text.length > MAX_IMPORT_TEXT_LENGTH) throw new UsageError(`${file}: too large; split it into parts of at most ${MAX_IMPORT_TEXT_LENGTH / 1024 / 1024} MB.`);

  await withDatabase(async () => {
    const target = await resolveTarget(args.data.list, args.data.tenant);
    const report = await importAddressText(cliCaller(), target, text, { ...options.data, source: "cli" });
    const out = formatImportReport(report, file === "-" ? "standard input" : file);
    // Written in blocks: a million rejected lines must not become a million writes.
    for (let i = 0; i < out.length; i += 10_000) await writeAll(process.stdout, `${out.slice(i, i + 10_000).join("\n")}\n`);
  });
}

export async function listsExport(values: Record<string, string | undefined>): Promise<void> {
  const args = z.object({ list: listArg, tenant: safeText().optional(), output: safeText().optional() }).safeParse(values);
  if (!args.success) throw new UsageError(`${formatZodError(args.error)}\nusage:\n${LISTS_HELP}`);
  await withDatabase(async () => {
    const target = await resolveTarget(args.data.list, args.data.tenant);
    const out: Writable = args.data.output ? createWriteStream(args.data.output) : process.stdout;
    const now = new Date();
    let rows = 0;
    await writeAll(out, csvHeader({ hasScope: target.kind === "whitelist" }));
    for await (const batch of iterateAddressEntries(cliCaller(), target)) {
      rows += batch.length;
      await writeAll(out, batch.map((row) => entryToCsvRow(row, now)).join(""));
    }
    if (out !== process.stdout) {
      out.end();
      await once(out, "finish");
      console.error(`exported ${count(rows)} entries to ${args.data.output}`);
    }
  });
}
