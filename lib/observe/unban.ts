/**
 * Unban addresses on the nodes, then optionally whitelist or block them: the one service behind the Bans page
 * actions, POST /api/v1/bans/unban and `rampart unban`.
 *
 * The node's live state decides, not the collector's last view: every chosen node is asked to lift each address
 * from every Rampart jail (or the one named) and from that jail's ban set, so a ban younger than the last poll, on
 * a node the collector cannot read, or placed straight into an ipset is lifted too. The node answers per jail
 * whether the address was banned, is lifted, or is still held; a node that cannot be reached is reported for that
 * node only. Bans the node confirms lifted are closed in ban_events (markUnbanned, audited).
 *
 * The node part needs SSH, which lives in lib/ssh / lib/deploy: they register the real NodeUnbanner with
 * setNodeUnbanner() at start-up. Until one is registered, node unbans fail with a CONFLICT (409) error
 * "No node connection available…" before anything changes, never a 500. The unbanner must always name the jail
 * (`fail2ban-client set <jail> unbanip <address>`) and re-read the node to confirm.
 *
 * Follow-ups, through the address-list DAL (its own permission checks and audit):
 *   whitelist  unban, then add a SIP-scoped whitelist entry (comment, optional expiry): never banned by the VoIP
 *              jail after the next push, and still on SIP and RTP only
 *   block      add a blocklist entry only: the node keeps its fail2ban ban until the blocklist is pushed, so the
 *              address is never let through in between
 */
// No "server-only" marker: the CLI (`rampart unban`) and the worker run this outside Next.js, where the marker throws.

import { assertPermission, type Caller } from "@/lib/auth/caller";
import { listUnbanScope, markUnbanned, type BanNode, type BanTarget } from "@/lib/db/queries/bans";
import { createAddressEntry } from "@/lib/db/queries/address-entries";
import { AppError, isAppError } from "@/lib/errors";
import type { ListTarget } from "@/lib/lists/targets";
import type { ParsedNetwork } from "@/lib/net/parse";
import { JAILS } from "@/lib/rules/names";
import { unbanRequestSchema, type UnbanRequest, type UnbanRequestInput } from "@/lib/validation/bans";

/** Every jail Rampart renders: an unban without a named jail asks the node about each of them. */
export const UNBAN_JAILS: readonly string[] = [JAILS.voip, JAILS.web, JAILS.webAuth, JAILS.recidive];

/** One node, the addresses to lift there from each of the jails (one upload and one run per node). */
export interface NodeUnbanJob {
  nodeId: string;
  nodeName: string;
  jails: string[];
  addresses: string[];
}

/**
 * What the node answered for one address in one jail (and that jail's ban set):
 *   unbanned      it was banned and now is not
 *   not-banned    it was not banned there
 *   still-banned  the node still holds it after the attempt
 *   unconfirmed   the node refused the line or gave no answer for it
 */
export type NodeUnbanState = "unbanned" | "not-banned" | "still-banned" | "unconfirmed";

export interface NodeUnbanOutcome {
  address: string;
  jail: string;
  state: NodeUnbanState;
  message?: string;
}

/** Lifts bans on one node (SSH side): unbanip with the jail and the set, then re-read both to confirm. Throws when the node cannot be reached. */
export type NodeUnbanner = (job: NodeUnbanJob) => Promise<NodeUnbanOutcome[]>;

let registeredUnbanner: NodeUnbanner | null = null;

/** Registers (or, with null, removes) the function that reaches nodes. Called once by the SSH layer. */
export function setNodeUnbanner(unbanner: NodeUnbanner | null): void {
  registeredUnbanner = unbanner;
}

export const NO_NODE_CONNECTION = "No node connection available: node unbans need the SSH connection layer, which is not running in this process.";

/** One ban (node and jail) that was lifted or is still in place. */
export interface UnbanResultRow {
  address: string;
  nodeId: string;
  nodeName: string;
  jail: string;
  isUnbanned: boolean;
  message: string;
}

/** What one node did with one address, all jails together. */
export type NodeAddressOutcome = "unbanned" | "not-banned" | "still-banned" | "unconfirmed" | "unreachable";

export interface NodeReportRow {
  address: string;
  nodeId: string;
  nodeName: string;
  outcome: NodeAddressOutcome;
  /** The jails it was lifted from (unbanned) or is still held in (still-banned, unconfirmed). */
  jails: string[];
  message: string;
}

export interface ListResultRow {
  address: string;
  list: "whitelist" | "blocklist";
  isAdded: boolean;
  message: string;
}

export interface UnbanResult {
  /** Per node and jail, the bans lifted or still in place; for a node that could not be reached, the bans the collector last saw there. */
  unbans: UnbanResultRow[];
  /** Per address and chosen node, what the node answered (or that it could not be reached). */
  nodes: NodeReportRow[];
  lists: ListResultRow[];
  /**
   * Requested addresses with nothing to lift: every chosen node that answered had no ban of it, and the collector
   * recorded none on a node that could not be reached (`nodes` says which). Networks are listed here too:
   * fail2ban bans single addresses.
   */
  notBanned: string[];
}

/** True when the unban asks a node about every requested address (hosts only: fail2ban and the ban sets hold addresses, never networks). */
function isHost(a: ParsedNetwork): boolean {
  return a.prefixLength === (a.family === 4 ? 32 : 128);
}

type NodeAnswer = { node: BanNode; outcomes: NodeUnbanOutcome[] } | { node: BanNode; error: string };

async function askNode(unbanner: NodeUnbanner, job: NodeUnbanJob): Promise<NodeAnswer> {
  const node = { id: job.nodeId, name: job.nodeName };
  try {
    return { node, outcomes: await unbanner(job) };
  } catch (error) {
    // One node that cannot be reached is that node's answer, never the whole request's failure.
    return { node, error: isAppError(error) || error instanceof Error ? error.message : "The node did not answer." };
  }
}

/** The node's answers for one address in each asked jail (a jail it did not answer is unconfirmed). */
function jailStates(answer: { outcomes: NodeUnbanOutcome[] }, address: string, jails: string[]): NodeUnbanOutcome[] {
  const byJail = new Map(answer.outcomes.filter((o) => o.address === address).map((o) => [o.jail, o]));
  return jails.map((jail) => byJail.get(jail) ?? { address, jail, state: "unconfirmed", message: "The node did not confirm the unban." });
}

function summarize(node: BanNode, address: string, states: NodeUnbanOutcome[]): NodeReportRow {
  const base = { address, nodeId: node.id, nodeName: node.name };
  const inState = (state: NodeUnbanState) => states.filter((s) => s.state === state).map((s) => s.jail);
  const still = inState("still-banned");
  if (still.length > 0) return { ...base, outcome: "still-banned", jails: still, message: `Still banned in ${still.join(", ")} after the unban.` };
  const unconfirmed = states.filter((s) => s.state === "unconfirmed");
  if (unconfirmed.length > 0) {
    return { ...base, outcome: "unconfirmed", jails: unconfirmed.map((s) => s.jail), message: unconfirmed.map((s) => s.message ?? `Not confirmed in ${s.jail}.`).join(" ") };
  }
  const lifted = inState("unbanned");
  if (lifted.length > 0) return { ...base, outcome: "unbanned", jails: lifted, message: `Unbanned from ${lifted.join(", ")}; the node no longer holds it.` };
  return { ...base, outcome: "not-banned", jails: [], message: "Not banned on this node." };
}

const BAN_ROW_MESSAGES: Record<Exclude<NodeUnbanState, "not-banned">, string> = {
  unbanned: "Unbanned; the node no longer holds it.",
  "still-banned": "The node still holds it after the unban.",
  unconfirmed: "The node did not confirm the unban.",
};

interface NodeUnbanReport {
  unbans: UnbanResultRow[];
  nodes: NodeReportRow[];
  /** The (address, node, jail) bans the node confirmed lifted. */
  lifted: { address: string; nodeId: string; jail: string }[];
}

/** Turns each node's answers (or failure) into the per-ban rows and the per-node report. */
function reportOf(answers: NodeAnswer[], addresses: string[], jails: string[], recorded: BanTarget[]): NodeUnbanReport {
  const report: NodeUnbanReport = { unbans: [], nodes: [], lifted: [] };
  for (const address of addresses) {
    for (const answer of answers) {
      const base = { address, nodeId: answer.node.id, nodeName: answer.node.name };
      if ("error" in answer) {
        // Unknown what the node holds now: the bans the collector last saw there are reported as not lifted.
        const seen = recorded.filter((r) => r.address === address && r.nodeId === answer.node.id).map((r) => r.jail);
        report.nodes.push({ ...base, outcome: "unreachable", jails: seen, message: answer.error });
        for (const jail of seen) report.unbans.push({ ...base, jail, isUnbanned: false, message: answer.error });
        continue;
      }
      const states = jailStates(answer, address, jails);
      report.nodes.push(summarize(answer.node, address, states));
      for (const s of states) {
        if (s.state === "not-banned") continue;
        report.unbans.push({ ...base, jail: s.jail, isUnbanned: s.state === "unbanned", message: s.message ?? BAN_ROW_MESSAGES[s.state] });
        if (s.state === "unbanned") report.lifted.push({ address, nodeId: answer.node.id, jail: s.jail });
      }
    }
  }
  return report;
}

async function addToList(caller: Caller, request: UnbanRequest, kind: "whitelist" | "blocklist"): Promise<ListResultRow[]> {
  const target: ListTarget = { kind };
  const rows: ListResultRow[] = [];
  for (const network of request.addresses) {
    try {
      await createAddressEntry(caller, target, {
        network,
        comment: request.comment,
        expiresAt: kind === "whitelist" ? request.expiresAt : null,
        // An unbanned phone or office is trusted for SIP and RTP only, never every port.
        ...(kind === "whitelist" ? { scope: "SIP" as const } : {}),
        allowCovered: false,
      });
      rows.push({ address: network.canonical, list: kind, isAdded: true, message: `Added to the ${kind}.` });
    } catch (error) {
      // Already listed or covered is not a failure of the action: say so per address and go on.
      if (isAppError(error) && error.code === "CONFLICT") rows.push({ address: network.canonical, list: kind, isAdded: false, message: error.message });
      else throw error;
    }
  }
  return rows;
}

/**
 * Unbans the addresses on the chosen nodes (every Rampart jail, or the one named), as each node's live state says,
 * then whitelists or blocks them. Permissions are checked before anything changes: bans:write, and policy:write
 * for a follow-up; tenant admins can unban only addresses inside their tenant's networks.
 */
export async function unbanAddresses(caller: Caller, input: UnbanRequestInput): Promise<UnbanResult> {
  assertPermission(caller, "bans:write");
  const request = unbanRequestSchema.parse(input);
  if (request.then !== "none") assertPermission(caller, "policy:write");

  // Tenant scope first (NOT_FOUND for addresses outside the caller's tenant), then which nodes to ask.
  const scope = await listUnbanScope(caller, { addresses: request.addresses, nodeIds: request.nodeIds, jail: request.jail });
  const hosts = request.addresses.filter(isHost).map((a) => a.canonical);
  const isNodeUnban = request.then !== "block" && hosts.length > 0 && scope.nodes.length > 0;
  const unbanner = registeredUnbanner;
  if (isNodeUnban && unbanner === null) throw new AppError("CONFLICT", NO_NODE_CONNECTION);

  let report: NodeUnbanReport = { unbans: [], nodes: [], lifted: [] };
  if (isNodeUnban && unbanner !== null) {
    const jails = request.jail === undefined ? [...UNBAN_JAILS] : [request.jail];
    // One call per node, all at once: the SSH layer bounds its own concurrency and reuses connections.
    const answers = await Promise.all(scope.nodes.map((node) => askNode(unbanner, { nodeId: node.id, nodeName: node.name, jails, addresses: hosts })));
    report = reportOf(answers, hosts, jails, scope.recorded);
    if (report.lifted.length > 0) await markUnbanned(caller, { targets: report.lifted });
  }

  const lists = request.then === "none" ? [] : await addToList(caller, request, request.then === "whitelist" ? "whitelist" : "blocklist");
  const held = new Set(report.unbans.map((u) => u.address));
  if (request.then === "block") for (const r of scope.recorded) held.add(r.address);
  return {
    unbans: report.unbans,
    nodes: report.nodes,
    lists,
    notBanned: request.addresses.map((a) => a.canonical).filter((a) => !held.has(a)),
  };
}
