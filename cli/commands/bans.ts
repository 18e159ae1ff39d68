import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { listCurrentBans } from "@/lib/db/queries/current-bans";
import { clusterHealth, type NodeHealth } from "@/lib/db/queries/snapshots";
import { closeAllNodeConnections } from "@/lib/observe/node-connections";
import { registerSshUnbanner } from "@/lib/observe/ssh-unbanner";
import { setNodeUnbanner, unbanAddresses, type NodeAddressOutcome, type NodeUnbanner } from "@/lib/observe/unban";
import { getCliActor, UsageError, withDatabase } from "../context";
import { printable } from "./lists";

// `rampart bans list`, `rampart unban ADDRESS --node N|--all` and `rampart status`: the same data layer and
// unban service as the Bans page, acting as the CLI actor (audited as cli:<os user>).

function cliCaller(): Caller {
  return { role: "ADMIN", tenantId: null, actor: getCliActor() };
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export async function bansList(values: { json?: boolean }): Promise<void> {
  await withDatabase(async () => {
    const { bans, isTruncated } = await listCurrentBans(cliCaller());
    if (isTruncated) console.error(`rampart: more than ${bans.length} current bans; showing the newest ${bans.length}`);
    if (values.json) {
      const rows = bans.map((b) => ({
        ip: b.ip,
        jail: b.jail,
        node: b.node,
        country: b.country,
        bannedAt: iso(b.bannedAt),
        expiresAt: iso(b.expiresAt),
        firstSeenAt: iso(b.firstSeenAt),
        lastSeenAt: iso(b.lastSeenAt),
      }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    if (bans.length === 0) {
      console.log("no current bans");
      return;
    }
    for (const b of bans) {
      const expiry = b.expiresAt === null ? "permanent" : `until ${b.expiresAt.toISOString()}`;
      console.log(`${b.ip.padEnd(39)} ${b.jail.padEnd(18)} ${printable(b.node).padEnd(20)} ${(b.country ?? "--").padEnd(2)} since ${b.bannedAt.toISOString()} ${expiry}`);
    }
  });
}

const OUTCOME_WORDS: Record<NodeAddressOutcome, string> = {
  unbanned: "unbanned",
  "not-banned": "not banned on this node",
  "still-banned": "STILL BANNED",
  unconfirmed: "NOT CONFIRMED",
  unreachable: "node UNREACHABLE",
};

/**
 * `rampart unban ADDRESS --node N|--all`: every chosen node is asked (its live state decides, not the collector's
 * last view) and answers per node. Exit 1 when the address is still banned, unconfirmed or a node could not be
 * reached; 0 when it is unbanned or was not banned anywhere. `unbanner` replaces the SSH transport (tests).
 */
export async function unban(
  values: { node?: string; all?: boolean; jail?: string; json?: boolean },
  positionals: string[],
  unbanner?: NodeUnbanner,
): Promise<void> {
  const usage = "usage: unban ADDRESS --node N|--all [--jail J] [--json]";
  if (positionals.length !== 1 || (values.node === undefined) === (values.all !== true)) throw new UsageError(usage);
  if (unbanner === undefined) registerSshUnbanner();
  else setNodeUnbanner(unbanner);
  const failed = await withDatabase(async () => {
    try {
      let nodeIds: string[] | "all" = "all";
      if (values.node !== undefined) {
        const node = await getDb().node.findUnique({ where: { name: values.node }, select: { id: true } });
        if (!node) throw new UsageError(`No node named ${printable(values.node)}.`);
        nodeIds = [node.id];
      }
      const result = await unbanAddresses(cliCaller(), { addresses: [positionals[0]!], nodeIds, jail: values.jail, then: "none" });
      if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        for (const row of result.nodes) console.log(`${row.address} on ${printable(row.nodeName)}: ${OUTCOME_WORDS[row.outcome]} (${printable(row.message)})`);
        if (result.nodes.length === 0) for (const address of result.notBanned) console.log(`${address}: nothing to lift (no node to ask, or a network: fail2ban bans single addresses)`);
        else if (result.nodes.every((row) => row.outcome === "not-banned")) console.log(`${result.nodes[0]!.address}: not banned on any chosen node`);
      }
      return result.nodes.filter((row) => row.outcome !== "unbanned" && row.outcome !== "not-banned");
    } finally {
      closeAllNodeConnections();
    }
  });
  if (failed.length > 0) {
    const unreachable = failed.filter((row) => row.outcome === "unreachable").length;
    throw new Error(`${failed.length - unreachable} node(s) still hold the ban or did not confirm it, ${unreachable} node(s) could not be reached`);
  }
}

function statusLine(h: NodeHealth): string {
  const state = !h.isEnabled ? "disabled" : h.isReachable === null ? "never polled" : h.isReachable ? "reachable" : "UNREACHABLE";
  const age = h.ageSeconds === null ? "no data" : `data ${h.ageSeconds} s old`;
  const drift = h.isDrifted === null ? "drift unknown" : h.isDrifted ? "DRIFTED" : "no drift";
  const version = h.runningVersion ? h.runningVersion.slice(0, 12) : "no version";
  const error = h.isReachable === false && h.lastError ? ` — ${printable(h.lastError)}` : "";
  return `${printable(h.name).padEnd(20)} ${state.padEnd(12)} ${age.padEnd(16)} ${version.padEnd(12)} ${drift.padEnd(13)} bans ${h.currentBans ?? "-"}${h.hasHostKeyAlert ? " HOST KEY ALERT" : ""}${error}`;
}

export async function status(values: { json?: boolean }): Promise<void> {
  await withDatabase(async () => {
    const health = await clusterHealth(cliCaller());
    if (values.json) {
      const rows = health.map((h) => ({ ...h, lastPollAt: iso(h.lastPollAt), lastReachableAt: iso(h.lastReachableAt) }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    if (health.length === 0) console.log("no nodes");
    for (const h of health) console.log(statusLine(h));
  });
}
