import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { Alert } from "@/components/ui/alert";
import { buttonClassName, ButtonLink } from "@/components/ui/button";
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
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { getCurrentUser } from "@/lib/auth/session";
import { getRouteCostLimit, type RouteCostLimitView } from "@/lib/db/queries/call-limits";
import { getCallGuardSettings } from "@/lib/db/queries/call-guard-settings";
import { listRouteRates } from "@/lib/db/queries/route-rates";
import { isAppError } from "@/lib/errors";
import { formatMoney } from "@/lib/validation/call-limits";
import { CALL_GUARD_OFF_TEXT } from "@/lib/validation/call-guard";
import { RATES_ENFORCEMENT } from "@/lib/validation/rates";
import { decodeCursor, PAGE_LIMITS } from "@/lib/validation/tenant";
import { PriceLookup } from "./_components/price-lookup";
import { RateImport } from "./_components/rate-import";

type Params = Promise<{ id: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The route, or the 404 page for unknown and malformed ids alike. */
async function loadRoute(caller: Caller, id: string): Promise<RouteCostLimitView> {
  if (!z.uuid().safeParse(id).success) notFound();
  try {
    return await getRouteCostLimit(caller, id);
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  const user = await getCurrentUser();
  if (!user || !hasPermission(user.role, "policy:read") || !z.uuid().safeParse(id).success) return { title: "Route rates" };
  try {
    return { title: `Rates of ${(await getRouteCostLimit(callerFromUser(user), id)).name}` };
  } catch {
    return { title: "Not found" };
  }
}

export default async function RouteRatesPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const user = await requirePagePermission("policy:read");
  const caller = callerFromUser(user);
  const { id } = await params;
  const query = await searchParams;
  const route = await loadRoute(caller, id);
  // A cursor this page did not make (edited by hand) starts from the top rather than failing.
  const after = typeof query.after === "string" ? (decodeCursor(query.after) ?? undefined) : undefined;
  const [rates, guard] = await Promise.all([listRouteRates(caller, route.id, { limit: PAGE_LIMITS.max, cursor: after }), getCallGuardSettings(caller)]);
  const canEdit = hasPermission(user.role, "policy:write");
  const base = `/call-limits/routes/${route.id}`;

  return (
    <>
      <PageHeader
        title={`Rates of ${route.name}`}
        description={`What calls over this route cost, per destination prefix, in ${route.currency}. The longest matching prefix prices a number.`}
      />
      <p className="-mt-4 mb-4 text-sm">
        <Link href="/call-limits" className="text-brand-700 hover:underline dark:text-brand-100">
          ← Call limits
        </Link>
      </p>
      <Alert tone={guard.enabled ? "info" : "warning"} className="mb-6" data-testid="rates-enforcement">
        {`${guard.enabled ? "Enforced:" : CALL_GUARD_OFF_TEXT} ${RATES_ENFORCEMENT} The route's maximum here is ${formatMoney(route.maxCostPerMinute, route.currency)} per minute.`}
      </Alert>
      <div className="grid gap-6">
        <Card>
          <CardHeader title="Price a number" description="What a call to a number would cost by this route's rates." />
          <CardBody>
            <PriceLookup routeId={route.id} currency={route.currency} />
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title="Rate table"
            description={`Prefixes in order. Amounts in ${route.currency}; increments as first/next seconds.`}
            actions={
              <div className="flex gap-2">
                <a href={`/api/v1/call-limits/routes/${route.id}/rates/export`} download className={buttonClassName({ variant: "secondary" })}>
                  Export CSV
                </a>
                {canEdit ? <RateImport routeId={route.id} routeName={route.name} currency={route.currency} /> : null}
              </div>
            }
          />
          <CardBody>
            <DataTable label="Rates">
              <DataTableHead>
                <DataTableHeaderCell>Prefix</DataTableHeaderCell>
                <DataTableHeaderCell>Description</DataTableHeaderCell>
                <DataTableHeaderCell align="right">Per minute</DataTableHeaderCell>
                <DataTableHeaderCell align="right">Increment</DataTableHeaderCell>
                <DataTableHeaderCell align="right">Connection fee</DataTableHeaderCell>
              </DataTableHead>
              <DataTableBody>
                {rates.items.length === 0 ? (
                  <DataTableEmptyRow colSpan={5}>
                    <EmptyState
                      as="h3"
                      isFramed={false}
                      title="No rates yet"
                      description={canEdit ? "Import the carrier's rate deck as CSV to price calls over this route." : "An operator or administrator imports the route's rates."}
                    />
                  </DataTableEmptyRow>
                ) : (
                  rates.items.map((rate) => (
                    <DataTableRow key={rate.id}>
                      <DataTableCell isMono>{rate.prefix}</DataTableCell>
                      <DataTableCell>{rate.description}</DataTableCell>
                      <DataTableCell align="right">{formatMoney(rate.costPerMinute, route.currency)}</DataTableCell>
                      <DataTableCell align="right">{rate.increment}</DataTableCell>
                      <DataTableCell align="right">{formatMoney(rate.connectionFee, route.currency)}</DataTableCell>
                    </DataTableRow>
                  ))
                )}
              </DataTableBody>
            </DataTable>
            {after || rates.nextCursor ? (
              <nav aria-label="Rate pages" className="mt-4 flex justify-end gap-2">
                {after ? (
                  <ButtonLink href={base} variant="secondary" size="sm">
                    First page
                  </ButtonLink>
                ) : null}
                {rates.nextCursor ? (
                  <ButtonLink href={`${base}?after=${encodeURIComponent(rates.nextCursor)}`} variant="secondary" size="sm">
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
