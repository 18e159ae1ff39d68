import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { listCurrentBans } from "@/lib/db/queries/current-bans";
import { clusterHealth, type NodeHealth } from "@/lib/db/queries/snapshots";
import { closeAllNodeConnections } from "@/lib/observe/node-connections";
import { registerSshUnbanner } from "@/lib/observe/ssh-unbanner";
import { unbanAddresses } from "@/lib/observe/unban";
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

export async function unban(values: { node?: string; all?: boolean; jail?: string; json?: boolean }, positionals: string[]): Promise<void> {
  const usage = "usage: unban ADDRESS --node N|--all [--jail J] [--json]";
  if (positionals.length !== 1 || (values.node === undefined) === (values.all !== true)) throw new UsageError(usage);
  registerSshUnbanner();
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
        for (const row of result.unbans) console.log(`${row.address} ${row.jail} on ${printable(row.nodeName)}: ${row.isUnbanned ? "unbanned" : "NOT unbanned"} (${row.message})`);
        for (const address of result.notBanned) console.log(`${address}: no current ban on the chosen node(s)`);
      }
      return result.unbans.filter((u) => !u.isUnbanned).length;
    } finally {
      closeAllNodeConnections();
    }
  });
  if (failed > 0) throw new Error(`${failed} ban(s) were not confirmed lifted`);
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
