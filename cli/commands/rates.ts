import { readFile, stat, writeFile } from "node:fs/promises";
import { z } from "zod";
import type { Caller } from "@/lib/auth/caller";
import { getRouteCostLimitByName } from "@/lib/db/queries/call-limits";
import { exportRouteRates, importRouteRates, priceRouteNumber, type PriceView, type RateImportReport } from "@/lib/db/queries/route-rates";
import { AppError } from "@/lib/errors";
import { routeNameSchema } from "@/lib/validation/call-limits";
import { MAX_RATE_IMPORT_BYTES, priceQuerySchema, RATE_IMPORT_TOO_LARGE_MESSAGE, RATES_ENFORCEMENT } from "@/lib/validation/rates";
import { safeText } from "@/lib/validation/text";
import { getCliActor, UsageError, withDatabase } from "../context";
import { formatZodError } from "../format";
import { readStdin } from "./address";
import { printable } from "./lists";

// `rampart rates import|export|price`: a route's rate table through the same parser, data layer and checks as the
// dashboard and the API (lib/db/queries/route-rates), acting as the CLI actor with full rights.

export const ratesImportOptions = { route: { type: "string" }, file: { type: "string" }, "dry-run": { type: "boolean" } } as const;
export const ratesExportOptions = { route: { type: "string" }, output: { type: "string" } } as const;
export const ratesPriceOptions = { route: { type: "string" }, duration: { type: "string" } } as const;

export const RATES_HELP = `  rates import --route NAME --file F [--dry-run]
                                          replace the route's rate table with a CSV (prefix,description,cost_per_minute,
                                          increment,connection_fee; F "-" reads stdin). Nothing is stored unless every
                                          line is good; every rejected line is printed with its reason (exit 2)
  rates export --route NAME [--output FILE]
                                          the route's rate table as CSV (stdout by default)
  rates price --route NAME NUMBER [--duration SECONDS]
                                          what a call to NUMBER (default 60 s) costs by the route's rates: the longest
                                          matching prefix, billed seconds and the cost rounded to the currency's minor unit
  rates price calls for the call guard, which enforces the limits with them once enabled and pushed (guard show)`;

const cliCaller = (): Caller => ({ role: "ADMIN", tenantId: null, actor: getCliActor() });

function parseOrUsage<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${formatZodError(parsed.error)}\nusage:\n${RATES_HELP}`);
  return parsed.data;
}

const routeOption = z.object({ route: routeNameSchema.optional() }).transform((value, ctx) => {
  if (value.route === undefined) {
    ctx.addIssue({ code: "custom", path: ["route"], message: "--route NAME is required (the route cost limit's name)." });
    return z.NEVER;
  }
  return value.route;
});

async function routeIdByName(name: string): Promise<string> {
  return (await getRouteCostLimitByName(cliCaller(), name)).id;
}

const count = (n: number) => n.toLocaleString("en-US");

/** The import report as terminal lines: what was stored (or why not), then every rejected line. */
export function formatRateImportReport(report: RateImportReport, source: string): string[] {
  const stored = report.isStored
    ? `stored: ${count(report.accepted)} rates replace the ${count(report.previousCount)} of route "${printable(report.route.name)}" (${report.route.currency})`
    : report.isDryRun && report.rejectedCount === 0
      ? `dry run: all ${count(report.accepted)} rates are good; nothing was stored`
      : `nothing was stored: ${count(report.rejectedCount)} ${report.rejectedCount === 1 ? "line was" : "lines were"} rejected (the route keeps its ${count(report.previousCount)} rates)`;
  const lines = [
    `read ${count(report.lines)} lines from ${source}: ${count(report.accepted)} good, ${count(report.rejectedCount)} rejected, ${count(report.skipped)} skipped (blank, comment or header)`,
    stored,
  ];
  if (report.rejected.length > 0) {
    lines.push("rejected lines:");
    for (const r of report.rejected) lines.push(`  line ${r.line}: ${printable(JSON.stringify(r.text))}: ${printable(r.reason)}`);
    if (report.isRejectedTruncated) lines.push(`  … and ${count(report.rejectedCount - report.rejected.length)} more`);
  }
  lines.push(`note: ${RATES_ENFORCEMENT}`);
  return lines;
}

/** A price as terminal lines. */
export function formatPrice(price: PriceView): string[] {
  return [
    `${price.number}: ${price.display} for ${count(price.durationSeconds)} s (${count(price.billedSeconds)} s billed)`,
    `rate: prefix ${price.rate.prefix}${price.rate.description ? ` (${printable(price.rate.description)})` : ""}, ${price.rate.costPerMinute} ${price.route.currency} per minute, increment ${price.rate.increment}, connection fee ${price.rate.connectionFee} ${price.route.currency}`,
    `note: ${RATES_ENFORCEMENT}`,
  ];
}

async function readRateFile(file: string): Promise<string> {
  if (file === "-") return readStdin();
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new UsageError(`${file}: no such file`);
  if (info.size > MAX_RATE_IMPORT_BYTES) throw new UsageError(`${file}: ${RATE_IMPORT_TOO_LARGE_MESSAGE}`);
  return readFile(file, "utf8");
}

export async function ratesImport(values: { route?: string; file?: string; "dry-run"?: boolean }, positionals: string[]): Promise<void> {
  const route = parseOrUsage(routeOption, values);
  const file = parseOrUsage(safeText().optional(), values.file);
  if (file === undefined || positionals.length > 0) throw new UsageError(`name one --file F (or --file - for standard input)\nusage:\n${RATES_HELP}`);
  const text = await readRateFile(file);
  await withDatabase(async () => {
    const report = await importRouteRates(cliCaller(), await routeIdByName(route), text, { dryRun: values["dry-run"] === true, source: "cli" });
    process.stdout.write(`${formatRateImportReport(report, file === "-" ? "standard input" : file).join("\n")}\n`);
    if (report.rejectedCount > 0) throw new AppError("VALIDATION", `${count(report.rejectedCount)} rejected ${report.rejectedCount === 1 ? "line" : "lines"}; fix and import the whole file again.`);
  });
}

export async function ratesExport(values: { route?: string; output?: string }, positionals: string[]): Promise<void> {
  const route = parseOrUsage(routeOption, values);
  const output = parseOrUsage(safeText().optional(), values.output);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}\nusage:\n${RATES_HELP}`);
  await withDatabase(async () => {
    const { csv, count: rates } = await exportRouteRates(cliCaller(), await routeIdByName(route));
    if (output === undefined) {
      process.stdout.write(csv);
      return;
    }
    await writeFile(output, csv);
    console.error(`exported ${count(rates)} rates to ${output}`);
  });
}

export async function ratesPrice(values: { route?: string; duration?: string }, positionals: string[]): Promise<void> {
  const route = parseOrUsage(routeOption, values);
  if (positionals.length !== 1) throw new UsageError(`name one NUMBER to price\nusage:\n${RATES_HELP}`);
  const query = parseOrUsage(priceQuerySchema, { number: positionals[0], duration: values.duration });
  await withDatabase(async () => {
    const price = await priceRouteNumber(cliCaller(), await routeIdByName(route), query.number, query.duration);
    process.stdout.write(`${formatPrice(price).join("\n")}\n`);
  });
}
