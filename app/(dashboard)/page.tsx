import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";

import { BanCountChart } from "@/components/charts/ban-count-chart";
import { PacketRateChart, type PacketRateDatum } from "@/components/charts/packet-rate-chart";
import { LiveRefresh } from "@/components/observe/live-refresh";
import { NavIcon } from "@/components/shell/nav-icon";
import { getRoleLabel, getVisibleNavItems, type NavLink } from "@/components/shell/nav-items";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DataTable, DataTableBody, DataTableCell, DataTableEmptyRow, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePageUser } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { tenantBanSummary } from "@/lib/db/queries/overview";
import { bansPerDay, bansPerHour, clusterHealth, counterRateSeries, latestCounterRates, topOffenders, type PacketRates } from "@/lib/db/queries/snapshots";
import { getEnv } from "@/lib/env";
import { countryName } from "@/lib/geo/countries";
import { formatRate } from "@/lib/observe/display";

import { NodeHealthCard } from "./_components/overview-health";

export const metadata: Metadata = { title: "Overview" };
// Live figures: never cached.
export const dynamic = "force-dynamic";

const RATE_WINDOW_MINUTES = 60;

const DROP_REASONS: { key: keyof PacketRates; label: string }[] = [
  { key: "blocklist", label: "Blocklist" },
  { key: "banned", label: "Banned (fail2ban)" },
  { key: "scanner", label: "Scanner" },
  { key: "geoip", label: "GeoIP" },
  { key: "rateLimit", label: "Rate limit" },
];

function sumRates(list: (PacketRates | null)[]): PacketRates | null {
  const present = list.filter((r): r is PacketRates => r !== null);
  if (present.length === 0) return null;
  const total: PacketRates = { sip: 0, blocklist: 0, banned: 0, geoip: 0, scanner: 0, rateLimit: 0 };
  for (const rates of present) for (const key of Object.keys(total) as (keyof PacketRates)[]) total[key] += rates[key];
  for (const key of Object.keys(total) as (keyof PacketRates)[]) total[key] = Math.round(total[key] * 100) / 100;
  return total;
}

export default async function OverviewPage() {
  const user = await requirePageUser();
  const caller = callerFromUser(user, getClientIp(await headers()));
  const interval = getEnv().RAMPART_POLL_INTERVAL_SECONDS;
  // Tenant administrators hold no nodes:read: the cluster view is not theirs.
  if (!hasPermission(user.role, "nodes:read")) return <TenantOverview user={user} caller={caller} interval={interval} />;
  return <ClusterOverview user={user} caller={caller} interval={interval} />;
}

async function ClusterOverview({ user, caller, interval }: { user: SessionUser; caller: Caller; interval: number }) {
  const now = new Date();
  const [health, perHour, perDay, offenders, series, latest] = await Promise.all([
    clusterHealth(caller, now),
    bansPerHour(caller, now),
    bansPerDay(caller, now),
    topOffenders(caller, { hours: 24, limit: 10, now }),
    counterRateSeries(caller, { minutes: RATE_WINDOW_MINUTES, bucketSeconds: Math.max(60, interval), now }),
    latestCounterRates(caller),
  ]);
  const header = <PageHeader title="Overview" description="Cluster health, who is attacking right now, and what the firewall drops." actions={<LiveRefresh intervalSeconds={interval} />} />;

  if (health.length === 0) {
    return (
      <>
        {header}
        <EmptyState
          icon={<NavIcon name="nodes" />}
          title="No nodes yet"
          description="Add your first Asterisk node: Rampart then polls it every few seconds and this page shows its health, its bans and the traffic it drops."
          action={hasPermission(user.role, "nodes:write") ? <ButtonLink href="/nodes/new">Add a node</ButtonLink> : undefined}
        />
      </>
    );
  }

  const reachable = health.filter((n) => n.isReachable === true).length;
  const unreachable = health.filter((n) => n.isReachable === false).length;
  const bans24h = perHour.reduce((sum, p) => sum + p.bans, 0);
  const bans7d = perDay.reduce((sum, p) => sum + p.bans, 0);
  const current = sumRates(latest.map((n) => n.rates));
  const hasRateData = current !== null;
  const chartData: PacketRateDatum[] = series.map((p) => ({ at: p.at.toISOString(), ...p.rates }));

  return (
    <>
      {header}

      <section aria-labelledby="health-heading">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="health-heading" className="text-lg font-semibold text-slate-900 dark:text-white">
            Node health
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {reachable} of {health.length} reachable{unreachable > 0 ? `, ${unreachable} unreachable` : ""}
          </p>
        </div>
        <ul role="list" className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
          {health.map((node) => (
            <li key={node.nodeId}>
              <NodeHealthCard node={node} now={now} />
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="bans-heading" className="mt-8">
        <h2 id="bans-heading" className="mb-3 text-lg font-semibold text-slate-900 dark:text-white">
          Bans
        </h2>
        <div className="grid gap-4 lg:grid-cols-2">
          <Card>
            <CardHeader title="Last 24 hours" description={`${bans24h} ${bans24h === 1 ? "ban" : "bans"}, per hour (UTC).`} />
            <CardBody>
              {bans24h === 0 ? (
                <EmptyState as="h3" isFramed={false} title="No bans in the last 24 hours" description="Bans appear here within one poll of fail2ban banning an address." />
              ) : (
                <BanCountChart unit="hour" label={`Bans per hour over the last 24 hours: ${bans24h} in total`} data={perHour.map((p) => ({ at: p.at.toISOString(), bans: p.bans, addresses: p.addresses }))} />
              )}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Last 7 days" description={`${bans7d} ${bans7d === 1 ? "ban" : "bans"}, per day (UTC).`} />
            <CardBody>
              {bans7d === 0 ? (
                <EmptyState as="h3" isFramed={false} title="No bans in the last 7 days" />
              ) : (
                <BanCountChart unit="day" label={`Bans per day over the last 7 days: ${bans7d} in total`} data={perDay.map((p) => ({ at: p.at.toISOString(), bans: p.bans, addresses: p.addresses }))} />
              )}
            </CardBody>
          </Card>
        </div>

        <div className="mt-4 grid gap-4 lg:grid-cols-2">
          <DataTable label="Top offending addresses (24 hours)" isLabelVisible>
            <DataTableHead>
              <DataTableHeaderCell>Address</DataTableHeaderCell>
              <DataTableHeaderCell>Country</DataTableHeaderCell>
              <DataTableHeaderCell align="right">Bans</DataTableHeaderCell>
              <DataTableHeaderCell align="right">Nodes</DataTableHeaderCell>
            </DataTableHead>
            <DataTableBody>
              {offenders.addresses.length === 0 ? (
                <DataTableEmptyRow colSpan={4}>
                  <EmptyState as="h3" isFramed={false} title="No offenders in the last 24 hours" />
                </DataTableEmptyRow>
              ) : (
                offenders.addresses.map((a) => (
                  <DataTableRow key={a.address}>
                    <DataTableCell isMono>
                      <Link href={`/bans?q=${encodeURIComponent(a.address)}`} className="hover:underline">
                        {a.address}
                      </Link>
                    </DataTableCell>
                    <DataTableCell>{a.country ? <span title={countryName(a.country)}>{a.country}</span> : "—"}</DataTableCell>
                    <DataTableCell align="right">{a.bans}</DataTableCell>
                    <DataTableCell align="right">{a.nodes}</DataTableCell>
                  </DataTableRow>
                ))
              )}
            </DataTableBody>
          </DataTable>
          <DataTable label="Top offending countries (24 hours)" isLabelVisible>
            <DataTableHead>
              <DataTableHeaderCell>Country</DataTableHeaderCell>
              <DataTableHeaderCell align="right">Bans</DataTableHeaderCell>
              <DataTableHeaderCell align="right">Addresses</DataTableHeaderCell>
            </DataTableHead>
            <DataTableBody>
              {offenders.countries.length === 0 ? (
                <DataTableEmptyRow colSpan={3}>
                  <EmptyState as="h3" isFramed={false} title="No offenders in the last 24 hours" />
                </DataTableEmptyRow>
              ) : (
                offenders.countries.map((c) => (
                  <DataTableRow key={c.country ?? "unknown"}>
                    <DataTableCell>{c.country ? `${countryName(c.country)} (${c.country})` : "Unknown"}</DataTableCell>
                    <DataTableCell align="right">{c.bans}</DataTableCell>
                    <DataTableCell align="right">{c.addresses}</DataTableCell>
                  </DataTableRow>
                ))
              )}
            </DataTableBody>
          </DataTable>
        </div>
      </section>

      <section aria-labelledby="traffic-heading" className="mt-8">
        <h2 id="traffic-heading" className="mb-3 text-lg font-semibold text-slate-900 dark:text-white">
          Traffic and drops
        </h2>
        {!hasRateData ? (
          <EmptyState
            icon={<NavIcon name="rate-limits" />}
            title="No counter data yet"
            description="Packet rates need two successful polls of a node; they appear here after the next poll."
          />
        ) : (
          <>
            <dl className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-6" aria-label="Current packet rates, all nodes">
              <div className="rounded-xl border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
                <dt className="text-xs text-slate-500 dark:text-slate-400">SIP packets</dt>
                <dd className="mt-1 text-lg font-semibold tabular-nums">{formatRate(current.sip)}</dd>
              </div>
              {DROP_REASONS.map((r) => (
                <div key={r.key} className="rounded-xl border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
                  <dt className="text-xs text-slate-500 dark:text-slate-400">Dropped: {r.label}</dt>
                  <dd className="mt-1 text-lg font-semibold tabular-nums">{formatRate(current[r.key])}</dd>
                </div>
              ))}
            </dl>
            <div className="grid gap-4 lg:grid-cols-2">
              <Card>
                <CardHeader title="SIP packets per second" description={`All nodes, the last ${RATE_WINDOW_MINUTES} minutes (UTC).`} />
                <CardBody>
                  <PacketRateChart data={chartData} series={["sip"]} label={`SIP packets per second over the last ${RATE_WINDOW_MINUTES} minutes; now ${formatRate(current.sip)}`} />
                </CardBody>
              </Card>
              <Card>
                <CardHeader title="Drops by reason" description="Packets per second dropped by the blocklist, fail2ban bans, scanner signatures, GeoIP and the rate limit." />
                <CardBody>
                  <PacketRateChart
                    data={chartData}
                    series={["blocklist", "banned", "scanner", "geoip", "rateLimit"]}
                    label={`Drops per second by reason over the last ${RATE_WINDOW_MINUTES} minutes; now ${DROP_REASONS.map((r) => `${r.label} ${formatRate(current[r.key])}`).join(", ")}`}
                  />
                </CardBody>
              </Card>
            </div>
          </>
        )}
      </section>
    </>
  );
}

async function TenantOverview({ user, caller, interval }: { user: SessionUser; caller: Caller; interval: number }) {
  const summary = await tenantBanSummary(caller);
  const entries = getVisibleNavItems(user.role);
  const links = entries.flatMap((entry): NavLink[] => (entry.kind === "group" ? [...entry.items] : entry.href === "/" ? [] : [entry]));
  return (
    <>
      <PageHeader title="Overview" description="Bans that affect your tenant's addresses." actions={<LiveRefresh intervalSeconds={interval} />} />
      <Card className="p-4 sm:p-6">
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
          <span className="min-w-0 break-all">Signed in as {user.email}</span>
          <Badge tone="info">{getRoleLabel(user.role)}</Badge>
        </p>
        {summary.networks === 0 ? (
          <p className="mt-3 text-sm text-slate-700 dark:text-slate-300">
            Your tenant has no IP restrictions yet, so no ban can be matched to it. Add your offices&apos; networks under Restrictions.
          </p>
        ) : (
          <dl className="mt-4 grid gap-3 sm:grid-cols-3" aria-label="Your tenant's bans">
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Banned right now</dt>
              <dd className="text-2xl font-semibold tabular-nums" data-testid="tenant-banned-now">
                {summary.bannedAddresses}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Bans in the last 24 hours</dt>
              <dd className="text-2xl font-semibold tabular-nums">{summary.bansLast24h}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Your networks</dt>
              <dd className="text-2xl font-semibold tabular-nums">{summary.networks}</dd>
            </div>
          </dl>
        )}
        <div className="mt-4">
          <ButtonLink href="/bans" variant={summary.bannedAddresses > 0 ? "primary" : "secondary"}>
            {summary.bannedAddresses > 0 ? "Review and lift bans" : "Open the Bans page"}
          </ButtonLink>
        </div>
      </Card>
      {links.length > 0 ? (
        <section aria-labelledby="overview-areas" className="mt-8">
          <h2 id="overview-areas" className="text-sm font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
            Your areas
          </h2>
          <ul role="list" className="mt-3 grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
            {links.map((link) => (
              <li key={link.href}>
                <Link
                  href={link.href}
                  className="group flex h-full items-start gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm transition-colors hover:border-brand-500 dark:border-slate-800 dark:bg-slate-900 dark:hover:border-brand-500"
                >
                  <span className="flex size-9 shrink-0 items-center justify-center rounded-lg bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                    <NavIcon name={link.icon} className="size-5" />
                  </span>
                  <span className="min-w-0">
                    <span className="block text-sm font-semibold text-slate-900 dark:text-white">{link.label}</span>
                    <span className="mt-0.5 block text-sm text-slate-600 dark:text-slate-400">{link.description}</span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
