/**
 * Unban banned addresses on the nodes, then optionally whitelist or block them: the one service behind the
 * Bans page actions (and later the API and `rampart unban`).
 *
 * The node part needs SSH, which lives in lib/ssh / lib/deploy: they register the real NodeUnbanner with
 * setNodeUnbanner() at start-up. Until one is registered, node unbans fail with a CONFLICT (409) error
 * "No node connection available…" before anything changes, never a 500. The unbanner must always name the jail
 * (`fail2ban-client set <jail> unbanip <address>`) and re-read the node to confirm; only bans it confirms are
 * closed in ban_events (markUnbanned, audited).
 *
 * Follow-ups, through the address-list DAL (its own permission checks and audit):
 *   whitelist  unban, then add a SIP-scoped whitelist entry (comment, optional expiry): never banned by the VoIP
 *              jail after the next push, and still on SIP and RTP only
 *   block      add a blocklist entry only: the node keeps its fail2ban ban until the blocklist is pushed, so the
 *              address is never let through in between
 */
// No "server-only" marker: the CLI (`rampart unban`) and the worker run this outside Next.js, where the marker throws.

import { assertPermission, type Caller } from "@/lib/auth/caller";
import { listBanTargets, markUnbanned, type BanTarget } from "@/lib/db/queries/bans";
import { createAddressEntry } from "@/lib/db/queries/address-entries";
import { AppError, isAppError } from "@/lib/errors";
import type { ListTarget } from "@/lib/lists/targets";
import { unbanRequestSchema, type UnbanRequest, type UnbanRequestInput } from "@/lib/validation/bans";

/** One node, one jail, the addresses to lift there. */
export interface NodeUnbanJob {
  nodeId: string;
  nodeName: string;
  jail: string;
  addresses: string[];
}

export interface NodeUnbanOutcome {
  address: string;
  /** The node re-read its jail and the address is no longer banned there. */
  isUnbanned: boolean;
  message?: string;
}

/** Lifts bans on one node (SSH side): unbanip with the jail, then re-read the jail to confirm. */
export type NodeUnbanner = (job: NodeUnbanJob) => Promise<NodeUnbanOutcome[]>;

let registeredUnbanner: NodeUnbanner | null = null;

/** Registers (or, with null, removes) the function that reaches nodes. Called once by the SSH layer. */
export function setNodeUnbanner(unbanner: NodeUnbanner | null): void {
  registeredUnbanner = unbanner;
}

export const NO_NODE_CONNECTION = "No node connection available: node unbans need the SSH connection layer, which is not running in this process.";

export interface UnbanResultRow {
  address: string;
  nodeId: string;
  nodeName: string;
  jail: string;
  isUnbanned: boolean;
  message: string;
}

export interface ListResultRow {
  address: string;
  list: "whitelist" | "blocklist";
  isAdded: boolean;
  message: string;
}

export interface UnbanResult {
  unbans: UnbanResultRow[];
  lists: ListResultRow[];
  /** Requested addresses with no current ban on the chosen nodes (nothing to lift there). */
  notBanned: string[];
}

/** Groups targets per (node, jail) so each node gets one call per jail. */
function jobsOf(targets: BanTarget[]): NodeUnbanJob[] {
  const jobs = new Map<string, NodeUnbanJob>();
  for (const t of targets) {
    const key = `${t.nodeId}\u0000${t.jail}`;
    const job = jobs.get(key) ?? { nodeId: t.nodeId, nodeName: t.nodeName, jail: t.jail, addresses: [] };
    job.addresses.push(t.address);
    jobs.set(key, job);
  }
  return [...jobs.values()];
}

async function runJob(unbanner: NodeUnbanner, job: NodeUnbanJob): Promise<UnbanResultRow[]> {
  let outcomes: NodeUnbanOutcome[];
  try {
    outcomes = await unbanner(job);
  } catch (error) {
    const message = isAppError(error) || error instanceof Error ? error.message : "The node did not answer.";
    return job.addresses.map((address) => ({ address, nodeId: job.nodeId, nodeName: job.nodeName, jail: job.jail, isUnbanned: false, message }));
  }
  const byAddress = new Map(outcomes.map((o) => [o.address, o]));
  return job.addresses.map((address) => {
    const outcome = byAddress.get(address);
    return {
      address,
      nodeId: job.nodeId,
      nodeName: job.nodeName,
      jail: job.jail,
      isUnbanned: outcome?.isUnbanned === true,
      message: outcome?.message ?? (outcome?.isUnbanned ? "Unbanned; the node no longer lists it." : "The node did not confirm the unban."),
    };
  });
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
 * Unbans the addresses on the chosen nodes (all jails, or the one named), confirmed per node, then whitelists
 * or blocks them. Permissions are checked before anything changes: bans:write, and policy:write for a
 * follow-up (tenant admins can unban their own addresses only).
 */
export async function unbanAddresses(caller: Caller, input: UnbanRequestInput): Promise<UnbanResult> {
  assertPermission(caller, "bans:write");
  const request = unbanRequestSchema.parse(input);
  if (request.then !== "none") assertPermission(caller, "policy:write");

  const isNodeUnban = request.then !== "block";
  // Tenant scope and which nodes hold which bans: NOT_FOUND for addresses outside the caller's tenant.
  const targets = await listBanTargets(caller, { addresses: request.addresses, nodeIds: request.nodeIds, jail: request.jail });
  const unbanner = registeredUnbanner;
  if (isNodeUnban && targets.length > 0 && unbanner === null) throw new AppError("CONFLICT", NO_NODE_CONNECTION);

  const unbans: UnbanResultRow[] = [];
  if (isNodeUnban && unbanner !== null) {
    // One call per (node, jail), all at once: the SSH layer bounds its own concurrency and reuses connections.
    for (const rows of await Promise.all(jobsOf(targets).map((job) => runJob(unbanner, job)))) unbans.push(...rows);
    const confirmed = unbans.filter((u) => u.isUnbanned).map((u) => ({ address: u.address, nodeId: u.nodeId, jail: u.jail }));
    if (confirmed.length > 0) await markUnbanned(caller, { targets: confirmed });
  }

  const lists = request.then === "none" ? [] : await addToList(caller, request, request.then === "whitelist" ? "whitelist" : "blocklist");
  const banned = new Set(targets.map((t) => t.address));
  return { unbans, lists, notBanned: request.addresses.map((a) => a.canonical).filter((a) => !banned.has(a)) };
}
