/**
 * Parsers for what the node prints (lib/ssh/commands.ts probe, the agent's verbs). Pure; anything that does
 * not match the expected shape is reported as such instead of being guessed at.
 */
import { AppError } from "@/lib/errors";
import { parseHostAddress } from "@/lib/net/parse";

export interface ToolVersion {
  version: string;
  backend: "nft" | "legacy";
}

export interface NodeTools {
  kernel: string;
  iptables: ToolVersion | null;
  ip6tables: ToolVersion | null;
  ipset: string | null;
  fail2ban: string | null;
  /** Tools a push needs that the node lacks. */
  missing: string[];
}

export interface ProbeResult {
  tools: NodeTools;
  /** SHA-256 of the agent on the node, or null when none is installed. */
  agentHash: string | null;
  /** The version the node last confirmed, or null. */
  version: string | null;
  /** The address the node sees the panel connect from (SSH_CONNECTION), canonical; null when not reported. */
  clientAddress: string | null;
}

function keyValues(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at <= 0) continue;
    const key = line.slice(0, at);
    const list = out.get(key) ?? [];
    list.push(line.slice(at + 1).trim());
    out.set(key, list);
  }
  return out;
}

function parseIptablesVersion(text: string | undefined): ToolVersion | null {
  const match = /v(\d+\.\d+(?:\.\d+)?)(?:\s+\((nf_tables|legacy)\))?/.exec(text ?? "");
  if (match === null) return null;
  return { version: match[1]!, backend: match[2] === "nf_tables" ? "nft" : "legacy" };
}

const REQUIRED_HELPERS = ["iptables-restore", "ip6tables-restore", "flock", "setsid", "sha256sum"];

export function parseProbe(stdout: string): ProbeResult {
  const kv = keyValues(stdout);
  if (!kv.has("end")) throw new AppError("BAD_GATEWAY", "The node's tool probe ended early: its output stopped before the end marker (a killed shell, a full disk or a broken agent).");
  const first = (key: string) => kv.get(key)?.[0] ?? "";
  const has = new Set(kv.get("has") ?? []);
  const tools: NodeTools = {
    kernel: first("kernel"),
    iptables: parseIptablesVersion(first("iptables")),
    ip6tables: parseIptablesVersion(first("ip6tables")),
    ipset: /v(\d+(?:\.\d+)*)/.exec(first("ipset"))?.[1] ?? null,
    fail2ban: /^v?(\d+\.\d+(?:\.\d+)?)/.exec(first("fail2ban"))?.[1] ?? null,
    missing: [],
  };
  if (tools.iptables === null) tools.missing.push("iptables");
  if (tools.ip6tables === null) tools.missing.push("ip6tables");
  if (tools.ipset === null) tools.missing.push("ipset");
  if (tools.fail2ban === null) tools.missing.push("fail2ban");
  for (const helper of REQUIRED_HELPERS) if (!has.has(helper)) tools.missing.push(helper);
  const agent = first("agent");
  const version = first("version");
  const client = parseHostAddress(first("client"));
  return {
    tools,
    agentHash: /^[0-9a-f]{64}$/.test(agent) ? agent : null,
    version: /^[0-9a-f]{64}$/.test(version) ? version : null,
    clientAddress: client.ok && client.value.isHost ? client.value.canonical : null,
  };
}

/**
 * What restores the node's confirmed version at boot (the agent's `boot_restore=` / `@boot-restore`): a systemd
 * unit, an ifupdown hook, or nothing (no confirmed artefacts, or nothing installed that would run at boot).
 */
export type BootRestore = "unit" | "hook" | "none";

/** The agent's word for it; null for anything else, including an agent too old to say. */
export function parseBootRestore(value: string): BootRestore | null {
  return value === "unit" || value === "hook" || value === "none" ? value : null;
}

export interface NodeStatus {
  version: string | null;
  confirmedDigest: string | null;
  digest: string | null;
  pending: { deployment: string; deadline: number | null } | null;
  lastRollback: { at: Date; deployment: string; reason: string; ok: boolean } | null;
  /** null: the agent did not say (an older agent) or said something unknown. */
  bootRestore: BootRestore | null;
}

export function parseStatus(stdout: string): NodeStatus {
  const kv = keyValues(stdout);
  if (!kv.has("end")) throw new AppError("BAD_GATEWAY", "The node's status report ended early: its output stopped before the end marker (a killed shell, a full disk or a broken agent).");
  const first = (key: string) => kv.get(key)?.[0] ?? "";
  const hex = (value: string) => (/^[0-9a-f]{64}$/.test(value) ? value : null);
  const pending = first("pending");
  const rollbackAt = Number(first("rollback_at"));
  return {
    version: hex(first("version")),
    confirmedDigest: hex(first("confirmed_digest")),
    digest: hex(first("digest")),
    pending: pending ? { deployment: pending, deadline: Number(first("pending_deadline")) || null } : null,
    lastRollback:
      Number.isFinite(rollbackAt) && rollbackAt > 0
        ? { at: new Date(rollbackAt * 1000), deployment: first("rollback_deployment"), reason: first("rollback_reason"), ok: first("rollback_ok") === "1" }
        : null,
    bootRestore: parseBootRestore(first("boot_restore")),
  };
}

/** `applied <epoch>` → the moment the node's rollback timer fires. */
export function parseApplied(stdout: string): Date | null {
  const match = /^applied (\d+)$/m.exec(stdout);
  return match ? new Date(Number(match[1]) * 1000) : null;
}

/** `confirmed <version> <digest>`. */
export function parseConfirmed(stdout: string): { version: string; digest: string } | null {
  const match = /^confirmed ([0-9a-f]{64}) ([0-9a-f]{64})$/m.exec(stdout);
  return match ? { version: match[1]!, digest: match[2]! } : null;
}

/** The agent's "error: ..." line, or the last non-empty line, for messages shown to administrators. */
export function agentError(result: { stdout: string; stderr: string; code: number }): string {
  const text = `${result.stderr}\n${result.stdout}`;
  const error = /^error: (.+)$/m.exec(text)?.[1];
  if (error !== undefined) return error.slice(0, 500);
  const last = text.split("\n").map((l) => l.trim()).filter(Boolean).pop();
  return (last ?? `exit status ${result.code}`).slice(0, 500);
}
