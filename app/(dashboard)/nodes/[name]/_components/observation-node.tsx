import { LiveRefresh } from "@/components/observe/live-refresh";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { latestCounterRates, latestObservation } from "@/lib/db/queries/snapshots";
import { getEnv } from "@/lib/env";
import { formatInstant } from "@/lib/format/instant";
import { formatAge, formatDuration, secondsSince } from "@/lib/observe/display";

import { ObservationCounters } from "./observation-counters";
import { ObservationJails } from "./observation-jails";
import { ObservationRateTable } from "./observation-rate-table";

// What the collector last saw on one node: its jails and bans, the SIP rate table and the counters. When the
// last poll failed, the page says so first ("unreachable since …") and shows the last known data with its age.

const utc = (date: Date) => formatInstant(date, { hasSeconds: true });

/** The observation sections of the Node page (server component; checks nodes:read itself). */
export async function NodeObservation({ nodeId }: { nodeId: string }) {
  const user = await requirePagePermission("nodes:read");
  const caller = callerFromUser(user);
  const now = new Date();
  const [latest, [rates]] = await Promise.all([latestObservation(caller, nodeId, now), latestCounterRates(caller, { nodeId })]);
  const { lastPoll, observation, observedAt } = latest;
  const isDown = lastPoll !== null && !lastPoll.isReachable;

  return (
    <section aria-labelledby="observation-heading" className="mt-8 space-y-6" data-testid="node-observation">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="observation-heading" className="text-lg font-semibold text-slate-900 dark:text-white">
          Live state
        </h2>
        <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600 dark:text-slate-400">
          {lastPoll ? (
            <span>
              Last poll {formatAge(secondsSince(lastPoll.takenAt, now))}{" "}
              {lastPoll.isReachable ? <Badge tone="success">Reachable</Badge> : <Badge tone="danger">Unreachable</Badge>}
            </span>
          ) : null}
          <LiveRefresh intervalSeconds={getEnv().RAMPART_POLL_INTERVAL_SECONDS} />
        </div>
      </div>

      {isDown ? (
        <div role="alert" className="rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-500/40 dark:bg-red-950 dark:text-red-100">
          <p className="font-semibold">
            {observedAt ? `Unreachable since ${utc(observedAt)} (its last answer).` : "Unreachable: the node has never answered a poll."}
          </p>
          <p className="mt-1">
            The last poll at {utc(lastPoll.takenAt)} failed{lastPoll.error ? `: ${lastPoll.error}` : "."}
            {observedAt ? ` Below is the last known data, ${formatDuration(latest.ageSeconds ?? 0)} old.` : ""}
          </p>
        </div>
      ) : null}

      {lastPoll === null ? (
        <EmptyState
          title="Not polled yet"
          description="The collector polls enabled nodes with a stored key and a pinned host key. Their jails, rate table and counters appear here after the first poll."
        />
      ) : observation === null ? (
        <EmptyState title="No data yet" description="The node has not answered a poll yet (or answered in a format this version does not read)." />
      ) : (
        <>
          {observedAt && !isDown ? (
            <p className="text-xs text-slate-500 dark:text-slate-400">
              Data from {utc(observedAt)} ({formatAge(latest.ageSeconds)}). fail2ban {observation.isFail2banUp ? "is running" : "is not running"}.
            </p>
          ) : null}
          <Card>
            <CardHeader title="Jails and bans" description="fail2ban's jails on this node, each banned address and the time left of its ban." />
            <CardBody>
              <ObservationJails jails={observation.jails} now={now} />
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="SIP rate limit" description="Tokens each source has left of its burst. Sources close to zero are about to be limited." />
            <CardBody>
              <ObservationRateTable entries={observation.rateTable} />
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Counters" description="What the firewall counted on this node, by reason." />
            <CardBody>
              <ObservationCounters counters={observation.counters} rates={rates?.rates ?? null} />
            </CardBody>
          </Card>
        </>
      )}
    </section>
  );
}
