import type { Caller } from "@/lib/auth/caller";
import { formatExposureRow, type ExposureSummaryRow } from "@/lib/rules/exposure-summary";
import type { Exposure, ExposureOverride } from "@/lib/validation/exposure";
import { parseIntegerText, splitListText } from "@/lib/validation/settings";
import { getCliActor, UsageError, withDatabase } from "../context";
import { printable } from "./lists";

// `rampart exposure show|set` and `rampart panel-addresses`: the same schemas, port checks and data layer
// (lib/db/queries/exposure) as the Exposure page and the API, acting as the CLI actor with full rights (audited
// as cli:<os user>). The data layer is loaded on use, like the other commands that reach the database.

export const EXPOSURE_HELP = `  exposure show [--node NAME] [--json]   what each node exposes to whom: the cluster policy, or a node's override,
                                          effective policy and summary
  exposure set [--sip-from WORLD|ALLOWED] [--rtp-from WORLD|ALLOWED] [--web-from WORLD|ALLOWED|MANAGEMENT]
               [--ami-ports P,P|none] [--extra-tcp-ports P,P|none] [--extra-udp-ports P,P|none]
               [--icmp-echo on|off] [--port-scan-drops on|off] [--ssh-limit N|off] [--final DROP|REJECT|RETURN]
               [--node NAME | --clear-node NAME]
                                          change the cluster policy, a node's override (only the given fields),
                                          or clear a node's override; DROP/REJECT close every port not opened
  panel-addresses [--set A,B|none] [--json]
                                          the panel's configured source addresses and what each node saw`;

export const exposureShowOptions = { node: { type: "string" }, json: { type: "boolean" } } as const;
export const exposureSetOptions = {
  "sip-from": { type: "string" },
  "rtp-from": { type: "string" },
  "web-from": { type: "string" },
  "ami-ports": { type: "string" },
  "extra-tcp-ports": { type: "string" },
  "extra-udp-ports": { type: "string" },
  "icmp-echo": { type: "string" },
  "port-scan-drops": { type: "string" },
  "ssh-limit": { type: "string" },
  final: { type: "string" },
  node: { type: "string" },
  "clear-node": { type: "string" },
} as const;
export const panelAddressesOptions = { set: { type: "string" }, json: { type: "boolean" } } as const;

type SetValues = { [K in keyof typeof exposureSetOptions]?: string };

const SET_USAGE = "usage: exposure set [--sip-from …] [--rtp-from …] … [--node NAME | --clear-node NAME]   (see rampart help)";

function cliCaller(): Caller {
  return { role: "ADMIN", tenantId: null, actor: getCliActor() };
}

function onOff(option: string, value: string): boolean {
  const text = value.trim().toLowerCase();
  if (text === "on") return true;
  if (text === "off") return false;
  throw new UsageError(`--${option}: write on or off, not "${printable(value)}".`);
}

/** "5038,5039" as numbers for the schema to judge ("none" or empty: no ports); "50x" stays a non-number the schema names. */
function portList(value: string): unknown[] {
  const text = value.trim().toLowerCase();
  if (text === "" || text === "none") return [];
  return splitListText(value).map(parseIntegerText);
}

/**
 * The fields `exposure set` was given, unvalidated beyond on/off (the data layer validates with exposureSchema
 * or exposureOverrideSchema and checks the ports, so messages are the API's and the page's). Upper-cases enum
 * values so `--final drop` works. Pure.
 */
export function exposureChangesFromOptions(values: SetValues): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const upper = (value: string) => value.trim().toUpperCase();
  if (values["sip-from"] !== undefined) changes.sipFrom = upper(values["sip-from"]);
  if (values["rtp-from"] !== undefined) changes.rtpFrom = upper(values["rtp-from"]);
  if (values["web-from"] !== undefined) changes.webFrom = upper(values["web-from"]);
  if (values["ami-ports"] !== undefined) changes.amiPorts = portList(values["ami-ports"]);
  if (values["extra-tcp-ports"] !== undefined) changes.extraTcpPorts = portList(values["extra-tcp-ports"]);
  if (values["extra-udp-ports"] !== undefined) changes.extraUdpPorts = portList(values["extra-udp-ports"]);
  if (values["icmp-echo"] !== undefined) changes.icmpEcho = onOff("icmp-echo", values["icmp-echo"]);
  if (values["port-scan-drops"] !== undefined) changes.dropPortScans = onOff("port-scan-drops", values["port-scan-drops"]);
  if (values["ssh-limit"] !== undefined) {
    const text = values["ssh-limit"].trim().toLowerCase();
    changes.sshNewPerMinute = text === "off" ? null : parseIntegerText(text);
  }
  if (values.final !== undefined) changes.finalAction = upper(values.final);
  return changes;
}

/** The policy as terminal lines, one field a line. */
export function formatExposure(exposure: Exposure | ExposureOverride): string[] {
  const ports = (list: readonly number[]) => (list.length === 0 ? "none" : list.join(","));
  const lines: string[] = [];
  if (exposure.sipFrom !== undefined) lines.push(`sip-from         ${exposure.sipFrom}`);
  if (exposure.rtpFrom !== undefined) lines.push(`rtp-from         ${exposure.rtpFrom}`);
  if (exposure.webFrom !== undefined) lines.push(`web-from         ${exposure.webFrom}`);
  if (exposure.amiPorts !== undefined) lines.push(`ami-ports        ${ports(exposure.amiPorts)}`);
  if (exposure.extraTcpPorts !== undefined) lines.push(`extra-tcp-ports  ${ports(exposure.extraTcpPorts)}`);
  if (exposure.extraUdpPorts !== undefined) lines.push(`extra-udp-ports  ${ports(exposure.extraUdpPorts)}`);
  if (exposure.icmpEcho !== undefined) lines.push(`icmp-echo        ${exposure.icmpEcho ? "on" : "off"}`);
  if (exposure.dropPortScans !== undefined) lines.push(`port-scan-drops  ${exposure.dropPortScans ? "on" : "off"}`);
  if (exposure.sshNewPerMinute !== undefined) lines.push(`ssh-limit        ${exposure.sshNewPerMinute === null ? "off" : `${exposure.sshNewPerMinute}/minute`}`);
  if (exposure.finalAction !== undefined) lines.push(`final            ${exposure.finalAction}${exposure.finalAction === "RETURN" ? " (no default deny)" : ""}`);
  return lines;
}

function printSummary(rows: readonly ExposureSummaryRow[]): void {
  console.log("exposes:");
  for (const row of rows) console.log(`  ${formatExposureRow(row)}`);
}

export async function exposureShow(values: { node?: string; json?: boolean }): Promise<void> {
  const dal = await import("@/lib/db/queries/exposure");
  await withDatabase(async () => {
    const caller = cliCaller();
    if (values.node !== undefined) {
      const view = await dal.getNodeExposureOverride(caller, values.node);
      if (values.json) {
        process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
        return;
      }
      console.log(`node ${printable(view.nodeName)}: ${view.override === null ? "follows the cluster policy" : "overrides:"}`);
      if (view.overrideProblem !== null) console.log(`  ! ${view.overrideProblem}`);
      if (view.override !== null) for (const line of formatExposure(view.override)) console.log(`  ${line}`);
      console.log("effective:");
      for (const line of formatExposure(view.effective)) console.log(`  ${line}`);
      printSummary(view.summary);
      return;
    }
    const overview = await dal.getExposureOverview(caller);
    if (values.json) {
      const nodes = overview.nodes.filter((n) => n.override !== null || n.overrideProblem !== null);
      process.stdout.write(`${JSON.stringify({ policy: overview.cluster, summary: overview.clusterSummary, overrides: nodes }, null, 2)}\n`);
      return;
    }
    console.log("cluster policy:");
    for (const line of formatExposure(overview.cluster)) console.log(`  ${line}`);
    printSummary(overview.clusterSummary);
    const overriding = overview.nodes.filter((n) => n.override !== null || n.overrideProblem !== null);
    console.log(overriding.length === 0 ? "no node overrides it" : `overridden on: ${overriding.map((n) => printable(n.nodeName)).join(", ")} (exposure show --node NAME)`);
  });
}

export async function exposureSet(values: SetValues): Promise<void> {
  const changes = exposureChangesFromOptions(values);
  const hasChanges = Object.keys(changes).length > 0;
  if (values["clear-node"] !== undefined && (values.node !== undefined || hasChanges)) {
    throw new UsageError("--clear-node takes no other option: it clears the node's whole override.");
  }
  if (values["clear-node"] === undefined && !hasChanges) throw new UsageError(SET_USAGE);
  const dal = await import("@/lib/db/queries/exposure");
  await withDatabase(async () => {
    const caller = cliCaller();
    if (values["clear-node"] !== undefined) {
      const view = await dal.setNodeExposureOverride(caller, values["clear-node"], null);
      console.log(`node ${printable(view.nodeName)} follows the cluster policy again; push to apply`);
      return;
    }
    if (values.node !== undefined) {
      const current = await dal.getNodeExposureOverride(caller, values.node);
      const view = await dal.setNodeExposureOverride(caller, current.nodeId, { ...(current.override ?? {}), ...changes });
      console.log(`node ${printable(view.nodeName)} overrides:`);
      for (const line of formatExposure(view.override ?? {})) console.log(`  ${line}`);
      printSummary(view.summary);
      console.log("push to apply");
      return;
    }
    const saved = await dal.updateExposure(caller, { ...(await dal.getExposure(caller)), ...changes });
    console.log("cluster policy:");
    for (const line of formatExposure(saved)) console.log(`  ${line}`);
    printSummary((await dal.getExposureOverview(caller)).clusterSummary);
    console.log("push to apply");
  });
}

export async function panelAddresses(values: { set?: string; json?: boolean }, positionals: string[]): Promise<void> {
  if (positionals.length > 0) throw new UsageError("usage: panel-addresses [--set A,B|none] [--json]");
  const dal = await import("@/lib/db/queries/exposure");
  await withDatabase(async () => {
    const caller = cliCaller();
    const list = values.set === undefined ? null : values.set.trim().toLowerCase() === "none" ? [] : splitListText(values.set);
    const result = list === null ? await dal.getPanelAddresses(caller) : await dal.setPanelAddresses(caller, list);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    console.log(`configured: ${result.configured.length === 0 ? "none" : result.configured.join(", ")}`);
    console.log("seen by the nodes:");
    if (result.discovered.length === 0) console.log("  no nodes");
    for (const d of result.discovered) {
      console.log(`  ${printable(d.nodeName).padEnd(24)} ${(d.address ?? "not seen yet").padEnd(39)} ${d.seenAt ? `at ${d.seenAt.toISOString()}` : ""}`.trimEnd());
    }
    if (list !== null) console.log("push to apply");
  });
}
