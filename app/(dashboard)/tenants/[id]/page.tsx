import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { getCurrentUser } from "@/lib/auth/session";
import { getTenantCallLimit, listExtensionLimits } from "@/lib/db/queries/call-limits";
import { getTenant, type TenantDetail } from "@/lib/db/queries/tenants";
import { isAppError } from "@/lib/errors";
import { DEFAULT_CURRENCY, formatMoney, listCurrencyOptions } from "@/lib/validation/call-limits";
import { decodeCursor, PAGE_LIMITS } from "@/lib/validation/tenant";
import { AUTO_WHITELIST_HINT } from "../_components/tenant-texts";
import { DeleteTenant } from "./_components/delete-tenant";
import { ExtensionLimits } from "./_components/extension-limits";
import { TenantCallLimitForm } from "./_components/tenant-call-limit-form";
import { TenantSettingsForm } from "./_components/tenant-settings-form";

type Params = Promise<{ id: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The tenant, or the 404 page: unknown ids, malformed ids and other tenants' ids look the same. */
async function loadTenant(caller: Caller, id: string): Promise<TenantDetail> {
  if (!z.uuid().safeParse(id).success) notFound();
  try {
    return await getTenant(caller, id);
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  // The tenant's name for the browser tab, under the same permission and scope as the page itself.
  const { id } = await params;
  const user = await getCurrentUser();
  if (!user || !hasPermission(user.role, "tenants:read") || !z.uuid().safeParse(id).success) return { title: "Tenant" };
  try {
    return { title: (await getTenant(callerFromUser(user), id)).name };
  } catch {
    return { title: "Not found" };
  }
}

export default async function TenantPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const user = await requirePagePermission("tenants:read");
  const caller = callerFromUser(user);
  const { id } = await params;
  const query = await searchParams;
  const tenant = await loadTenant(caller, id);

  const after = typeof query.after === "string" ? (decodeCursor(query.after) ?? undefined) : undefined;
  const [limit, extensions] = await Promise.all([
    getTenantCallLimit(caller, tenant.id),
    listExtensionLimits(caller, tenant.id, { limit: PAGE_LIMITS.default, cursor: after }),
  ]);
  const canEditTenant = hasPermission(user.role, "tenants:write");
  const canEditLimits = hasPermission(user.role, "policy:write");
  const currencyOptions = canEditLimits ? listCurrencyOptions() : [];
  const defaultCurrency = limit?.currency ?? DEFAULT_CURRENCY;
  const isJustCreated = query.created === "1";

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/tenants" className="text-brand-700 hover:underline dark:text-brand-100">
          Tenants
        </Link>
        <span aria-hidden="true" className="mx-2 text-slate-400">/</span>
      </nav>
      <PageHeader
        title={tenant.name}
        description={tenant.description || undefined}
        actions={
          <ButtonLink href={`/tenants/${tenant.id}/restrictions`} variant="secondary">
            IP restrictions ({tenant.restrictionCount.toLocaleString("en-US")}
            {tenant.pendingCount > 0 ? `, ${tenant.pendingCount.toLocaleString("en-US")} waiting for approval` : ""})
          </ButtonLink>
        }
      />
      {isJustCreated ? (
        <Alert tone="success" className="mb-4">
          Tenant created. Add its allowed networks under IP restrictions, and its call limits below.
        </Alert>
      ) : null}

      <div className="grid gap-6">
        <Card>
          <CardHeader
            title="Settings"
            description={`${tenant.userCount.toLocaleString("en-US")} ${tenant.userCount === 1 ? "user" : "users"} · ${tenant.restrictionCount.toLocaleString("en-US")} IP ${tenant.restrictionCount === 1 ? "restriction" : "restrictions"}`}
          />
          <CardBody>
            {canEditTenant ? (
              <TenantSettingsForm tenant={tenant} />
            ) : (
              <dl className="grid gap-4 text-sm sm:grid-cols-[14rem_1fr]">
                <dt className="font-medium">Name</dt>
                <dd>{tenant.name}</dd>
                <dt className="font-medium">Account code</dt>
                <dd>{tenant.accountCode ?? "None (the call guard enforces none of this tenant's call limits)"}</dd>
                <dt className="font-medium">Description</dt>
                <dd className="whitespace-pre-line">{tenant.description || "—"}</dd>
                <dt className="font-medium">Auto-whitelist tenant IP restrictions</dt>
                <dd>
                  {tenant.autoWhitelistRestrictions ? <Badge tone="info">On</Badge> : <Badge>Off</Badge>}
                  <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{AUTO_WHITELIST_HINT}</p>
                </dd>
              </dl>
            )}
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title="Tenant call limits"
            description="What all of the tenant's calls together may cost per day and per month. Calls beyond a limit are refused once enforcement is switched on."
          />
          <CardBody>
            {canEditLimits ? (
              <TenantCallLimitForm
                tenantId={tenant.id}
                tenantName={tenant.name}
                limit={limit}
                currencyOptions={currencyOptions}
                defaultCurrency={defaultCurrency}
              />
            ) : (
              <dl className="grid gap-4 text-sm sm:grid-cols-[14rem_1fr]">
                <dt className="font-medium">Daily limit</dt>
                <dd>{limit?.dailyLimit ? formatMoney(limit.dailyLimit, limit.currency) : "No limit"}</dd>
                <dt className="font-medium">Monthly limit</dt>
                <dd>{limit?.monthlyLimit ? formatMoney(limit.monthlyLimit, limit.currency) : "No limit"}</dd>
              </dl>
            )}
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Extension limits" description="What one extension may spend on calls per day." />
          <CardBody>
            <ExtensionLimits
              tenantId={tenant.id}
              rows={extensions.items.map((row) => ({
                id: row.id,
                extension: row.extension,
                dailyLimit: row.dailyLimit,
                currency: row.currency,
                display: formatMoney(row.dailyLimit, row.currency),
              }))}
              canEdit={canEditLimits}
              currencyOptions={currencyOptions}
              defaultCurrency={defaultCurrency}
            />
            {after || extensions.nextCursor ? (
              <nav aria-label="Extension limit pages" className="mt-4 flex justify-end gap-2">
                {after ? (
                  <ButtonLink href={`/tenants/${tenant.id}`} variant="secondary" size="sm">
                    First page
                  </ButtonLink>
                ) : null}
                {extensions.nextCursor ? (
                  <ButtonLink href={`/tenants/${tenant.id}?after=${extensions.nextCursor}`} variant="secondary" size="sm">
                    Next page
                  </ButtonLink>
                ) : null}
              </nav>
            ) : null}
          </CardBody>
        </Card>

        {canEditTenant ? (
          <Card className="border-red-200 dark:border-red-900/60">
            <CardHeader title="Delete tenant" />
            <CardBody>
              <DeleteTenant
                tenantId={tenant.id}
                tenantName={tenant.name}
                userCount={tenant.userCount}
                restrictionCount={tenant.restrictionCount}
                extensionLimitCount={tenant.extensionLimitCount}
                hasTenantCallLimit={tenant.hasTenantCallLimit}
                apiTokenCount={tenant.apiTokenCount}
              />
            </CardBody>
          </Card>
        ) : null}
      </div>
    </>
  );
}
