import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import type { Caller } from "@/lib/auth/caller";
import { createNode, listNodes, type NodeView } from "@/lib/db/queries/nodes";
import { repairNode } from "@/lib/deploy/repair";
import { rotateSecrets } from "@/lib/db/queries/secrets";
import { MAX_PRIVATE_KEY_BYTES } from "@/lib/ssh/keys";
import { assertHostKeyConfirmed } from "@/lib/ssh/host-key-check";
import { nodeCreateSchema, splitTags } from "@/lib/validation/node";
import { getCliActor, UsageError, withDatabase } from "../context";
import { formatZodError } from "../format";
import { printable } from "./lists";
import { integer, reportPush } from "./push";
import { safeText } from "@/lib/validation/text";

// `rampart node add`, `rampart nodes list`, `rampart nodes repair` and `rampart secrets rotate`: the same
// schema, host-key check, data layer and push runner as the dashboard and the API, acting as the CLI actor
// with full rights.

const NODE_ADD_USAGE =
  "usage: node add --name N --host H [--port P] --user U --key-file F --host-key-fingerprint FP [--tags a,b] [--management-address A]";

function cliCaller(): Caller {
  return { role: "ADMIN", tenantId: null, actor: getCliActor() };
}

/** A small file read whole; a missing, oversized or non-regular file is a usage error naming the option. */
async function readSmallFile(path: string, option: string, maxBytes: number): Promise<string> {
  const info = await stat(path).catch(() => null);
  if (!info || !info.isFile()) throw new UsageError(`${option}: ${path} is not a readable file.`);
  if (info.size > maxBytes) throw new UsageError(`${option}: ${path} is larger than ${maxBytes} bytes.`);
  return readFile(path, "utf8");
}

export async function nodeAdd(values: Record<string, string | undefined>): Promise<void> {
  const args = z
    .object({ name: safeText(), host: safeText(), user: safeText(), "key-file": safeText(), "host-key-fingerprint": safeText() })
    .safeParse(values);
  if (!args.success) throw new UsageError(NODE_ADD_USAGE);
  const privateKey = await readSmallFile(args.data["key-file"], "--key-file", MAX_PRIVATE_KEY_BYTES);
  const parsed = nodeCreateSchema.safeParse({
    name: args.data.name,
    host: args.data.host,
    port: values.port ?? 22,
    user: args.data.user,
    tags: splitTags(values.tags ?? ""),
    managementAddress: values["management-address"] ?? null,
    hostKeyFingerprint: args.data["host-key-fingerprint"],
    keySource: "upload",
    privateKey,
  });
  if (!parsed.success) throw new UsageError(formatZodError(parsed.error));
  const input = parsed.data;
  // Before touching the database: the node must present the fingerprint given on the command line.
  await assertHostKeyConfirmed(input.host, input.port, input.hostKeyFingerprint);
  await withDatabase(async () => {
    const node = await createNode(cliCaller(), input);
    console.log(JSON.stringify(nodeJson(node), null, 2));
  });
}

/** A node as the CLI prints it: the view without the deployment history. */
function nodeJson(node: NodeView) {
  return {
    id: node.id,
    name: node.name,
    host: node.host,
    port: node.port,
    user: node.user,
    tags: node.tags,
    managementAddress: node.managementAddress,
    enabled: node.enabled,
    publicKey: node.publicKey,
    hostKeyFingerprint: node.hostKeyFingerprint,
    hostKeyAlert: node.hostKeyAlert,
    tools: node.tools,
    lastTestedAt: node.lastTestedAt,
    running: node.running,
    lastDeployment: node.lastDeployment,
    createdAt: node.createdAt,
  };
}

/** Fixed-width columns; cell text made printable (names are slugs, but messages come from nodes). */
export function formatNodeTable(nodes: readonly NodeView[]): string[] {
  if (nodes.length === 0) return ["no nodes yet: add one with `rampart node add` or on the Nodes page"];
  const header = ["NAME", "ADDRESS", "USER", "TAGS", "RUNNING", "LAST PUSH", "ALERT"];
  const rows = nodes.map((node) => [
    node.name,
    `${node.host.includes(":") ? `[${node.host}]` : node.host}:${node.port}`,
    node.user,
    node.tags.join(",") || "-",
    node.running ? node.running.hash.slice(0, 12) : "-",
    node.lastDeployment ? node.lastDeployment.state.toLowerCase().replace("_", " ") : "-",
    node.hostKeyAlert ? "HOST KEY CHANGED" : "-",
  ]);
  const table = [header, ...rows.map((row) => row.map(printable))];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "));
}

export async function nodesList(values: { json?: boolean }): Promise<void> {
  await withDatabase(async () => {
    const nodes = await listNodes(cliCaller());
    if (values.json) console.log(JSON.stringify(nodes.map(nodeJson), null, 2));
    else for (const line of formatNodeTable(nodes)) console.log(line);
  });
}

/**
 * `nodes repair NODE`: re-applies the version the node last confirmed. Like `rampart push`, the process runs
 * the push and stays until the node reached a final state; --wait makes the exit status 1 unless it confirmed.
 */
export async function nodesRepair(values: { force?: boolean; wait?: boolean; timer?: string; json?: boolean }, positionals: string[]): Promise<void> {
  if (positionals.length !== 1) throw new UsageError("usage: nodes repair NODE [--force] [--wait] [--timer SECONDS] [--json]");
  const request = { force: values.force === true, timerSeconds: integer(values.timer, "--timer") };
  await withDatabase(async () => {
    const { batchId, version, done } = await repairNode(cliCaller(), positionals[0]!, request);
    process.stderr.write(`repairing ${printable(positionals[0]!)}: re-applying version ${version.slice(0, 12)}\n`);
    await reportPush(values, batchId, done);
  });
}

export async function secretsRotate(values: Record<string, string | undefined>): Promise<void> {
  const path = values["old-key-file"];
  if (!path) throw new UsageError("usage: secrets rotate --old-key-file FILE   (FILE holds the previous master secret)");
  const oldSecret = (await readSmallFile(path, "--old-key-file", 4096)).trim();
  if (oldSecret.length === 0) throw new UsageError(`--old-key-file: ${path} is empty.`);
  await withDatabase(async () => {
    const result = await rotateSecrets(getCliActor(), oldSecret);
    const keys = `${result.nodeKeysRotated} node key${result.nodeKeysRotated === 1 ? "" : "s"}`;
    const smtp = { rotated: "the SMTP password re-encrypted", current: "the SMTP password already used it", none: "no SMTP password stored" }[result.smtpPassword];
    console.log(`re-encrypted ${keys} under the current master secret (${result.nodeKeysCurrent} already used it); ${smtp}`);
  });
}
