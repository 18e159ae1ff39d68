import type { Metadata } from "next";
import { headers } from "next/headers";
import { NavIcon } from "@/components/shell/nav-icon";
import { SpendLimitChart, type SpendLimitDatum } from "@/components/charts/spend-limit-chart";
import { SpendPerDayChart } from "@/components/charts/spend-per-day-chart";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DataTable, DataTableBody, DataTableCell, DataTableEmptyRow, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePagePermission } from "@/lib/auth/guards";
import { getSpendOverview, type TenantSpendView } from "@/lib/db/queries/spend";
import { compareDecimalStrings, formatMoney } from "@/lib/validation/call-limits";

export const metadata: Metadata = { title: "Spend" };

const EXTENSION_COLUMNS = 4;

/** "81.66 %" of the limit, or a word when there is no share to give. */
function shareText(percent: string | null, limit: string | null): string {
  if (limit === null) return "No limit";
  if (percent === null) return "Limit 0: no calls allowed";
  return `${percent} %`;
}

function shareTone(percent: string | null): BadgeTone {
  if (percent === null) return "neutral";
  if (compareDecimalStrings(percent, "100") >= 0) return "danger";
  if (compareDecimalStrings(percent, "80") >= 0) return "warning";
  return "success";
}

function BudgetLine({ label, spent, limit, percent, currency, testId }: { label: string; spent: string; limit: string | null; percent: string | null; currency: string; testId: string }) {
  return (
    <div className="rounded-lg border border-slate-200 px-4 py-3 dark:border-slate-800" data-testid={testId}>
      <dt className="text-sm text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="mt-1 flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <span className="text-lg font-semibold text-slate-900 tabular-nums dark:text-white" data-amount>
          {formatMoney(spent, currency)}
        </span>
        <span className="text-sm text-slate-600 dark:text-slate-400">{limit === null ? "no limit" : `of ${formatMoney(limit, currency)}`}</span>
        {limit !== null ? <Badge tone={shareTone(percent)}>{shareText(percent, limit)}</Badge> : null}
      </dd>
    </div>
  );
}

function TenantSpendCard({ tenant, day }: { tenant: TenantSpendView; day: string }) {
  const money = (amount: string) => formatMoney(amount, tenant.currency);
  const budgets: SpendLimitDatum[] = [
    { budget: "Today", spent: tenant.today, limit: tenant.dailyLimit, spentLabel: money(tenant.today), limitLabel: tenant.dailyLimit === null ? "No limit" : money(tenant.dailyLimit) },
    { budget: "This month", spent: tenant.month, limit: tenant.monthlyLimit, spentLabel: money(tenant.month), limitLabel: tenant.monthlyLimit === null ? "No limit" : money(tenant.monthlyLimit) },
  ];
  const budgetLabel =
    `Spend against limits of ${tenant.tenantName}: today ${money(tenant.today)} of ${tenant.dailyLimit === null ? "no limit" : money(tenant.dailyLimit)}, ` +
    `this month ${money(tenant.month)} of ${tenant.monthlyLimit === null ? "no limit" : money(tenant.monthlyLimit)}`;
  const hasSpentThisMonth = tenant.month !== "0.0000";
  const headingId = `spend-${tenant.tenantId}`;

  return (
    <Card aria-labelledby={headingId} data-tenant-id={tenant.tenantId} role="region">
      <CardHeader
        title={<span id={headingId}>{tenant.tenantName}</span>}
        description={
          <>
            Account code <span className="font-mono">{tenant.accountCode}</span> · amounts in {tenant.currency}
          </>
        }
      />
      <CardBody>
        <dl className="grid gap-3 sm:grid-cols-2">
          <BudgetLine label={`Today (${day}, UTC)`} spent={tenant.today} limit={tenant.dailyLimit} percent={tenant.dailyPercent} currency={tenant.currency} testId="spend-today" />
          <BudgetLine label="This month (UTC)" spent={tenant.month} limit={tenant.monthlyLimit} percent={tenant.monthlyPercent} currency={tenant.currency} testId="spend-month" />
        </dl>

        <div className="mt-6 grid gap-6 lg:grid-cols-2">
          <figure>
            <figcaption className="mb-2 text-sm font-medium text-slate-700 dark:text-slate-300">Spend against the limits</figcaption>
            <SpendLimitChart name="tenant-budgets" label={budgetLabel} data={budgets} />
          </figure>
          <figure>
            <figcaption className="mb-2 text-sm font-medium text-slate-700 dark:text-slate-300">Spend per day this month (UTC)</figcaption>
            {hasSpentThisMonth ? (
              <SpendPerDayChart
                label={`Spend per day this month of ${tenant.tenantName}: ${money(tenant.month)} in total`}
                dailyLimit={tenant.dailyLimit}
                data={tenant.days.map((d) => ({ day: d.day, amount: d.amount, amountLabel: money(d.amount) }))}
              />
            ) : (
              <EmptyState as="h3" isFramed={false} title="Nothing spent this month" description="Calls the call guard allows add their exact cost here once the collector has read them." />
            )}
          </figure>
        </div>

        <div className="mt-6">
          <DataTable label={`Extensions of ${tenant.tenantName} today`} isLabelVisible>
            <DataTableHead>
              <DataTableHeaderCell>Extension</DataTableHeaderCell>
              <DataTableHeaderCell align="right">Spent today</DataTableHeaderCell>
              <DataTableHeaderCell align="right">Daily limit</DataTableHeaderCell>
              <DataTableHeaderCell align="right">Used</DataTableHeaderCell>
            </DataTableHead>
            <DataTableBody>
              {tenant.extensions.length === 0 ? (
                <DataTableEmptyRow colSpan={EXTENSION_COLUMNS}>
                  <EmptyState as="h3" isFramed={false} title="No extension limits and no extension spend today" description="Extensions appear here once they have a daily limit (Call limits) or have spent today." />
                </DataTableEmptyRow>
              ) : (
                tenant.extensions.map((ext) => (
                  <DataTableRow key={ext.extension} data-extension={ext.extension}>
                    <DataTableCell isMono>{ext.extension}</DataTableCell>
                    <DataTableCell align="right">{formatMoney(ext.today, ext.currency)}</DataTableCell>
                    <DataTableCell align="right">{ext.dailyLimit === null ? "No limit" : formatMoney(ext.dailyLimit, ext.currency)}</DataTableCell>
                    <DataTableCell align="right">
                      {ext.dailyLimit === null ? "—" : <Badge tone={shareTone(ext.dailyPercent)}>{shareText(ext.dailyPercent, ext.dailyLimit)}</Badge>}
                    </DataTableCell>
                  </DataTableRow>
                ))
              )}
            </DataTableBody>
          </DataTable>
        </div>
      </CardBody>
    </Card>
  );
}

// Read-only: what the call guard counts against each limit. Tenant administrators see their own tenant (the data
// layer scopes it); amounts are the exact DECIMAL(14,4) sums, formatted, never rounded through a float.
export default async function SpendPage() {
  const user = await requirePagePermission("tenants:read");
  const caller = callerFromUser(user, getClientIp(await headers()));
  const spend = await getSpendOverview(caller);
  const withoutCode = spend.tenantsWithoutAccountCode;

  return (
    <>
      <PageHeader
        title="Spend"
        description="What the calls the call guard allowed cost today and this month (UTC, all nodes), against each tenant's and extension's limit. With e-mail notifications on (Settings), an alert goes out at 80 % and at 100 % of each limit."
      />
      {spend.tenants.length === 0 ? (
        <EmptyState
          icon={<NavIcon name="call-limits" />}
          title={withoutCode > 0 ? "No tenant has an account code" : "No tenants yet"}
          description={
            withoutCode > 0
              ? "Spend is counted by the Asterisk account code of a tenant's endpoints. Once a tenant has one, its calls and limits show here."
              : "Spend is counted per tenant: create a tenant with the account code of its endpoints to see its calls against its limits."
          }
        />
      ) : (
        <div className="space-y-6">
          {withoutCode > 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              {withoutCode === 1 ? "1 tenant has" : `${withoutCode} tenants have`} no account code, so no spend, and {withoutCode === 1 ? "is" : "are"} not listed.
            </p>
          ) : null}
          {spend.tenants.map((tenant) => (
            <TenantSpendCard key={tenant.tenantId} tenant={tenant} day={spend.day} />
          ))}
        </div>
      )}
    </>
  );
}
