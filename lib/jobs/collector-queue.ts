/**
 * The collector on a PostgreSQL-backed job queue (pg-boss 10, which keeps its tables in its own `pgboss`
 * schema). Any number of workers (`npm start` runs one in-process, `npm run worker` runs more) share the work:
 *
 *   rampart-collect-tick   pg-boss cron, once a minute (or every N minutes); one worker gets it cluster-wide.
 *                          It queues one "round" per interval of the coming minute (startAfter 0, 15, 30, 45 s)
 *                          and prunes old snapshots. pg-boss's cron resolves to the minute, hence the rounds.
 *   rampart-collect-round  queues one node job per collectable node.
 *   rampart-collect-node   polls one node (lib/observe/collector.ts collectNode). Policy "stately" keyed by node
 *                          id: at most one queued and one running job per node, so two workers never poll one
 *                          node at once and a slow node never piles up jobs; the others go on unaffected.
 */
import PgBoss from "pg-boss";

import { reconcileInFlightDeployments } from "@/lib/deploy/reconcile";
import { pruneNodeSnapshots } from "@/lib/db/queries/snapshots";
import { sendBanDigest } from "@/lib/notify/mailer";
import { checkSpendAlerts } from "@/lib/notify/spend-alerts";
import { getDatabaseUrl, getEnv } from "@/lib/env";
import { collectNode, listCollectableNodeIds, type CollectResult } from "@/lib/observe/collector";
import { closeAllNodeConnections } from "@/lib/observe/node-connections";
import { registerSshUnbanner } from "@/lib/observe/ssh-unbanner";

export const QUEUES = {
  tick: "rampart-collect-tick",
  round: "rampart-collect-round",
  node: "rampart-collect-node",
} as const;

export interface CollectorSchedule {
  cron: string;
  /** Start offsets (seconds into the cron period) of the rounds one tick queues. */
  roundOffsets: number[];
}

/** The cron expression and round offsets for an interval that divides a minute or is whole minutes. */
export function planSchedule(intervalSeconds: number): CollectorSchedule {
  if (intervalSeconds <= 60) {
    if (60 % intervalSeconds !== 0) throw new Error(`The poll interval must divide 60 s, not ${intervalSeconds} s.`);
    return { cron: "* * * * *", roundOffsets: Array.from({ length: 60 / intervalSeconds }, (_, i) => i * intervalSeconds) };
  }
  if (intervalSeconds % 60 !== 0) throw new Error(`A poll interval over a minute must be whole minutes, not ${intervalSeconds} s.`);
  return { cron: `*/${intervalSeconds / 60} * * * *`, roundOffsets: [0] };
}

export interface CollectorWorkerOptions {
  log?: (line: string) => void;
  /** Node polls this worker runs at once (each waits mostly on the network). */
  concurrency?: number;
  intervalSeconds?: number;
  connectionString?: string;
}

export interface CollectorWorker {
  stop(): Promise<void>;
}

/**
 * Logs a node's reachability when it changes, not on every poll: "unreachable (reason)" once (again only
 * if the reason changes) and "reachable again" when it answers. The pages show the state; the log keeps
 * the transitions.
 */
export function reachabilityLog(log: (line: string) => void): (result: Pick<CollectResult, "nodeId" | "nodeName" | "isReachable" | "error">) => void {
  const last = new Map<string, string>();
  return (result) => {
    const state = result.isReachable ? "" : (result.error ?? "unknown error");
    const previous = last.get(result.nodeId);
    last.set(result.nodeId, state);
    if (previous === state || (previous === undefined && result.isReachable)) return;
    const name = result.nodeName || result.nodeId;
    log(result.isReachable ? `${name}: reachable again` : `${name}: unreachable (${state})`);
  };
}

interface NodeJobData {
  nodeId: string;
}

/** Starts pg-boss, the schedule and the handlers in this process; also registers the SSH unbanner here. */
export async function startCollectorWorker(options: CollectorWorkerOptions = {}): Promise<CollectorWorker> {
  const log = options.log ?? ((line: string) => console.log(`rampart worker: ${line}`));
  const interval = options.intervalSeconds ?? getEnv().RAMPART_POLL_INTERVAL_SECONDS;
  const schedule = planSchedule(interval);
  const connectionString = options.connectionString ?? getDatabaseUrl();
  if (!connectionString) throw new Error("No database configured for the worker: set DATABASE_URL or start Rampart with `npm start`.");
  registerSshUnbanner();

  const boss = new PgBoss({
    connectionString,
    application_name: "rampart-worker",
    max: 4,
    // Node jobs are short and frequent: archive and delete them soon so the queue tables stay small.
    archiveCompletedAfterSeconds: 600,
    deleteAfterHours: 6,
    cronMonitorIntervalSeconds: 10,
  });
  boss.on("error", (error: Error) => log(`queue error: ${error.message}`));
  await boss.start();

  await boss.createQueue(QUEUES.tick, { name: QUEUES.tick, policy: "standard", retryLimit: 0, expireInSeconds: 60 });
  await boss.createQueue(QUEUES.round, { name: QUEUES.round, policy: "standard", retryLimit: 0, expireInSeconds: 60 });
  // A node job that waited longer than an interval is stale: the next round queues a fresh one.
  await boss.createQueue(QUEUES.node, { name: QUEUES.node, policy: "stately", retryLimit: 0, expireInSeconds: 60 });
  await boss.schedule(QUEUES.tick, schedule.cron, {}, { retryLimit: 0 });

  await boss.work(QUEUES.tick, { pollingIntervalSeconds: 2 }, async () => {
    await Promise.all(schedule.roundOffsets.map((offset) => boss.send(QUEUES.round, {}, { startAfter: offset, retryLimit: 0, expireInSeconds: interval })));
    const pruned = await pruneNodeSnapshots();
    if (pruned > 0) log(`pruned ${pruned} old node snapshots`);
  });

  await boss.work(QUEUES.round, { pollingIntervalSeconds: 1 }, async () => {
    const nodeIds = await listCollectableNodeIds();
    // Rejected sends (the node already has a queued job) return null: that node is still catching up.
    await Promise.all(
      nodeIds.map((nodeId) => boss.send(QUEUES.node, { nodeId } satisfies NodeJobData, { singletonKey: nodeId, retryLimit: 0, expireInSeconds: Math.max(30, interval * 2) })),
    );
    // Ban e-mail: once per round, whatever the last round found. sendBanDigest keeps its own window (one mail
    // per attack wave), takes each ban event once across workers, and never throws.
    const digest = await sendBanDigest();
    if (digest.status === "sent" || digest.status === "failed") log(`ban digest: ${digest.status}`);
    // Call alerts (80 % and 100 % of each budget, every abuse block): the same window and once-only taking.
    const alerts = await checkSpendAlerts();
    if (alerts.status === "sent" || alerts.status === "failed") log(`call alerts: ${alerts.status}`);
    // Pushes whose process is gone (a killed CLI push, a restarted panel) are settled from the nodes' status.
    const settled = await reconcileInFlightDeployments().catch((error: unknown) => {
      log(`could not settle interrupted pushes: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    });
    if (settled > 0) log(`settled ${settled} interrupted push(es) from the nodes' own status`);
  });

  // Several fetch loops of a few jobs each: a batch completes as a whole, so small batches keep one slow node
  // from holding fast ones back.
  const logReachability = reachabilityLog(log);
  const loops = Math.max(1, Math.ceil((options.concurrency ?? 16) / 4));
  for (let i = 0; i < loops; i++) {
    await boss.work<NodeJobData>(QUEUES.node, { pollingIntervalSeconds: 1, batchSize: 4 }, async (jobs) => {
      await Promise.all(
        jobs.map(async (job) => {
          const result = await collectNode(job.data.nodeId);
          logReachability(result);
          // A refused CDR line is a call the cost limits do not see: worth a line every time.
          if (result.callRecords && result.callRecords.rejected > 0) log(`${result.nodeName}: ${result.callRecords.rejected} call record line(s) refused`);
        }),
      );
    });
  }
  // The first cron tick can be up to a minute away: poll once now (one per interval cluster-wide).
  await boss.send(QUEUES.round, {}, { singletonKey: "start", singletonSeconds: interval, retryLimit: 0 });
  log(`collector running: every ${interval} s, ${loops * 4} node polls at a time in this worker`);

  return {
    async stop() {
      await boss.stop({ graceful: true, timeout: 2_500 }).catch(() => undefined);
      closeAllNodeConnections();
    },
  };
}
