import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableEmptyRow,
  DataTableHead,
  DataTableHeaderCell,
  DataTableRow,
} from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { getCallGuardStatus } from "@/lib/db/queries/call-guard-settings";
import { getAbuseDetection, listRouteCostLimits, listTenantLimitOverview } from "@/lib/db/queries/call-limits";
import { countRouteRates } from "@/lib/db/queries/route-rates";
import { CALL_GUARD_ENFORCEMENT_TEXT, CALL_GUARD_OFF_TEXT, OFFLINE_MODE_TEXT } from "@/lib/validation/call-guard";
import { DEFAULT_CURRENCY, formatMoney, listCurrencyOptions } from "@/lib/validation/call-limits";
import { decodeCursor, PAGE_LIMITS } from "@/lib/validation/tenant";
import { AbuseDetectionForm } from "./_components/abuse-detection-form";
import { CallGuardForm } from "./_components/call-guard-form";
import { RouteCostLimits } from "./_components/route-cost-limits";

export const metadata: Metadata = { title: "Call limits" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function cursorParam(value: string | string[] | undefined): string | undefined {
  // A cursor this page did not make (edited by hand) starts from the top rather than failing.
  return typeof value === "string" ? (decodeCursor(value) ?? undefined) : undefined;
}

const noLimit = <span className="text-slate-500 dark:text-slate-400">No limit</span>;

export default async function CallLimitsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requirePagePermission("policy:read");
  const caller = callerFromUser(user);
  const query = await searchParams;
  const routesAfter = cursorParam(query.routesAfter);
  const tenantsAfter = cursorParam(query.tenantsAfter);
  const [routes, abuse, tenants, guard] = await Promise.all([
    listRouteCostLimits(caller, { limit: PAGE_LIMITS.default, cursor: routesAfter }),
    getAbuseDetection(caller),
    listTenantLimitOverview(caller, { limit: PAGE_LIMITS.default, cursor: tenantsAfter }),
    getCallGuardStatus(caller),
  ]);
  const rateCounts = await countRouteRates(caller, routes.items.map((route) => route.id));
  const canEdit = hasPermission(user.role, "policy:write");
  const canEditGuard = hasPermission(user.role, "settings:manage");
  const currencyOptions = canEdit ? listCurrencyOptions() : [];
  const pageLink = (key: "routesAfter" | "tenantsAfter", cursor: string | null) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (typeof value === "string" && name !== key) params.set(name, value);
    if (cursor) params.set(key, cursor);
    const text = params.toString();
    return text ? `/call-limits?${text}` : "/call-limits";
  };

  return (
    <>
      <PageHeader
        title="Call limits"
        description="Ceilings on what calls may cost — per route, per tenant and per extension — and automatic blocking of extensions that hammer one international number, to contain toll fraud."
      />
      {guard.enabled ? (
        <Alert tone="info" className="mb-4" data-testid="call-guard-status">
          Enforced: {CALL_GUARD_ENFORCEMENT_TEXT} While the panel is unreachable, a node follows the offline behaviour
          below.
        </Alert>
      ) : (
        <Alert tone="warning" className="mb-4" data-testid="call-guard-status">
          {CALL_GUARD_OFF_TEXT} None of these limits refuses or caps a call until an administrator turns the guard on
          below and pushes the ruleset.
        </Alert>
      )}
      {guard.unenforced.length > 0 ? (
        <Alert tone="warning" as="div" className="mb-4" data-testid="call-guard-unenforced">
          <p className="font-medium">Not enforced{guard.enabled ? "" : " even with the guard on"}:</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {guard.unenforced.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <div className="mt-6 grid gap-6">
        <Card>
          <CardHeader
            title="Call guard"
            description="The guard on each node decides every outbound call from the limits below, the route rates and the cluster's spend. Its settings reach the nodes with the next push."
            actions={guard.enabled ? <Badge tone="success">On</Badge> : <Badge tone="warning">Off</Badge>}
          />
          <CardBody>
            {canEditGuard ? (
              <CallGuardForm
                settings={{
                  enabled: guard.enabled,
                  offlineMode: guard.offlineMode,
                  maxCallSeconds: guard.maxCallSeconds,
                  staleAfterSeconds: guard.staleAfterSeconds,
                }}
              />
            ) : (
              <dl className="grid gap-4 text-sm sm:grid-cols-[14rem_1fr]">
                <dt className="font-medium">Status</dt>
                <dd>{guard.enabled ? "On: the limits are enforced" : "Off: the guard records calls but enforces nothing"}</dd>
                <dt className="font-medium">When the panel is unreachable</dt>
                <dd>{OFFLINE_MODE_TEXT[guard.offlineMode]}</dd>
                <dt className="font-medium">Longest call</dt>
                <dd>{guard.maxCallSeconds} seconds</dd>
                <dt className="font-medium">Panel unreachable after</dt>
                <dd>{guard.staleAfterSeconds} seconds without fresh cluster spend</dd>
              </dl>
            )}
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title="Route cost limits"
            description="The most a minute of calls to a dialled prefix may cost. Each route has a rate table for pricing calls: open its rates to import them or price a number."
          />
          <CardBody>
            <RouteCostLimits
              rows={routes.items.map((route) => ({
                id: route.id,
                name: route.name,
                prefix: route.prefix,
                maxCostPerMinute: route.maxCostPerMinute,
                currency: route.currency,
                display: formatMoney(route.maxCostPerMinute, route.currency),
                rateCount: rateCounts.get(route.id) ?? 0,
              }))}
              canEdit={canEdit}
              currencyOptions={currencyOptions}
              defaultCurrency={DEFAULT_CURRENCY}
            />
            {routesAfter || routes.nextCursor ? (
              <nav aria-label="Route pages" className="mt-4 flex justify-end gap-2">
                {routesAfter ? (
                  <ButtonLink href={pageLink("routesAfter", null)} variant="secondary" size="sm">
                    First page
                  </ButtonLink>
                ) : null}
                {routes.nextCursor ? (
                  <ButtonLink href={pageLink("routesAfter", routes.nextCursor)} variant="secondary" size="sm">
                    Next page
                  </ButtonLink>
                ) : null}
              </nav>
            ) : null}
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title="Abuse detection"
            description={`More than ${abuse.maxCallsSameNumber} calls to the same international number within ${abuse.windowSeconds} seconds blocks the calling extension.`}
            actions={abuse.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
          />
          <CardBody>
            {canEdit ? (
              <AbuseDetectionForm settings={abuse} />
            ) : (
              <dl className="grid gap-4 text-sm sm:grid-cols-[14rem_1fr]">
                <dt className="font-medium">Status</dt>
                <dd>{abuse.enabled ? "On" : "Off"}</dd>
                <dt className="font-medium">More than</dt>
                <dd>{abuse.maxCallsSameNumber} calls</dd>
                <dt className="font-medium">Within</dt>
                <dd>{abuse.windowSeconds} seconds</dd>
              </dl>
            )}
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Tenant limits" description="Each tenant's daily and monthly ceilings. Set them, and per-extension limits, on the tenant's page." />
          <CardBody>
            <DataTable label="Tenant limits">
              <DataTableHead>
                <DataTableHeaderCell>Tenant</DataTableHeaderCell>
                <DataTableHeaderCell align="right">Daily limit</DataTableHeaderCell>
                <DataTableHeaderCell align="right">Monthly limit</DataTableHeaderCell>
                <DataTableHeaderCell align="right">Extension limits</DataTableHeaderCell>
              </DataTableHead>
              <DataTableBody>
                {tenants.items.length === 0 ? (
                  <DataTableEmptyRow colSpan={4}>
                    <EmptyState
                      as="h3"
                      isFramed={false}
                      title="No tenants yet"
                      description={
                        <>
                          Tenant limits appear here once <Link href="/tenants" className="underline">tenants</Link> exist.
                        </>
                      }
                    />
                  </DataTableEmptyRow>
                ) : (
                  tenants.items.map((item) => (
                    <DataTableRow key={item.tenantId}>
                      <DataTableCell>
                        <Link href={`/tenants/${item.tenantId}`} className="font-medium text-brand-700 hover:underline dark:text-brand-100">
                          {item.tenantName}
                        </Link>
                      </DataTableCell>
                      <DataTableCell align="right">
                        {item.limit?.dailyLimit ? formatMoney(item.limit.dailyLimit, item.limit.currency) : noLimit}
                      </DataTableCell>
                      <DataTableCell align="right">
                        {item.limit?.monthlyLimit ? formatMoney(item.limit.monthlyLimit, item.limit.currency) : noLimit}
                      </DataTableCell>
                      <DataTableCell align="right">{item.extensionLimitCount.toLocaleString("en-US")}</DataTableCell>
                    </DataTableRow>
                  ))
                )}
              </DataTableBody>
            </DataTable>
            {tenantsAfter || tenants.nextCursor ? (
              <nav aria-label="Tenant pages" className="mt-4 flex justify-end gap-2">
                {tenantsAfter ? (
                  <ButtonLink href={pageLink("tenantsAfter", null)} variant="secondary" size="sm">
                    First page
                  </ButtonLink>
                ) : null}
                {tenants.nextCursor ? (
                  <ButtonLink href={pageLink("tenantsAfter", tenants.nextCursor)} variant="secondary" size="sm">
                    Next page
                  </ButtonLink>
                ) : null}
              </nav>
            ) : null}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
