import type { Metadata } from "next";
import Link from "next/link";
import { NavIcon } from "@/components/shell/nav-icon";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableHead,
  DataTableHeaderCell,
  DataTableRow,
} from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission, isTenantScoped } from "@/lib/auth/permissions";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getTenantNetworkSettings, listTenants } from "@/lib/db/queries/tenants";
import { decodeCursor, PAGE_LIMITS } from "@/lib/validation/tenant";
import { CreateTenantForm } from "./_components/create-tenant-form";
import { TenantNetworkSettingsForm } from "./_components/tenant-network-settings-form";
import { TENANT_NETWORKS_SHORT } from "./_components/tenant-texts";

export const metadata: Metadata = { title: "Tenants" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

export default async function TenantsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requirePagePermission("tenants:read");
  const params = await searchParams;
  const after = one(params.after);
  // A cursor this page did not make (edited by hand) starts from the top rather than failing.
  const cursor = after ? (decodeCursor(after) ?? undefined) : undefined;
  const deletedName = one(params.deleted)?.slice(0, 200);
  const isScoped = isTenantScoped(user.role);
  const canCreate = hasPermission(user.role, "tenants:write");
  // The data layer applies the tenant scope: a tenant administrator's list holds their own tenant only.
  const caller = callerFromUser(user);
  const page = await listTenants(caller, { limit: PAGE_LIMITS.default, cursor });
  const networkSettings = canCreate ? await getTenantNetworkSettings(caller) : null;

  return (
    <>
      <PageHeader
        title="Tenants"
        description={
          isScoped
            ? `Your tenant: ${TENANT_NETWORKS_SHORT}, and its call limits.`
            : "The customers that share the cluster, each with its own allowed networks (IP restrictions) and call limits."
        }
      />
      {deletedName ? (
        <Alert tone="success" className="mb-4">
          Tenant “{deletedName}” deleted.
        </Alert>
      ) : null}
      {canCreate ? (
        <div className="mb-4 flex justify-end">
          <CreateTenantForm />
        </div>
      ) : null}
      {page.items.length === 0 && !cursor ? (
        <EmptyState
          icon={<NavIcon name="tenants" />}
          title="No tenants yet"
          description={
            canCreate
              ? "A tenant groups the phones of one customer, so its IP restrictions, call limits and bans stay separate from everyone else's. Create the first one with “New tenant”."
              : "A tenant groups the phones of one customer. An administrator creates tenants."
          }
        />
      ) : (
        <>
          <DataTable label="Tenants">
            <DataTableHead>
              <DataTableHeaderCell>Name</DataTableHeaderCell>
              <DataTableHeaderCell>Account code</DataTableHeaderCell>
              <DataTableHeaderCell>Description</DataTableHeaderCell>
              <DataTableHeaderCell>Auto-whitelist</DataTableHeaderCell>
              <DataTableHeaderCell align="right">IP restrictions</DataTableHeaderCell>
              <DataTableHeaderCell align="right">Waiting for approval</DataTableHeaderCell>
              <DataTableHeaderCell align="right">Users</DataTableHeaderCell>
            </DataTableHead>
            <DataTableBody>
              {page.items.map((tenant) => (
                <DataTableRow key={tenant.id}>
                  <DataTableCell>
                    <Link href={`/tenants/${tenant.id}`} className="font-medium text-brand-700 hover:underline dark:text-brand-100">
                      {tenant.name}
                    </Link>
                  </DataTableCell>
                  <DataTableCell>
                    {tenant.accountCode ? (
                      <code className="font-mono text-sm">{tenant.accountCode}</code>
                    ) : (
                      <span className="text-slate-400 dark:text-slate-500" title="No account code: the call guard enforces none of this tenant's call limits">
                        None
                      </span>
                    )}
                  </DataTableCell>
                  <DataTableCell className="max-w-xs truncate" title={tenant.description || undefined}>
                    {tenant.description || <span className="text-slate-400 dark:text-slate-500">—</span>}
                  </DataTableCell>
                  <DataTableCell>
                    {tenant.autoWhitelistRestrictions ? <Badge tone="info">On</Badge> : <Badge>Off</Badge>}
                  </DataTableCell>
                  <DataTableCell align="right">
                    <Link href={`/tenants/${tenant.id}/restrictions`} className="hover:underline" aria-label={`${tenant.restrictionCount} IP restrictions of ${tenant.name}`}>
                      {tenant.restrictionCount.toLocaleString("en-US")}
                    </Link>
                  </DataTableCell>
                  <DataTableCell align="right">
                    {tenant.pendingCount > 0 ? (
                      <Link href={`/tenants/${tenant.id}/restrictions`} aria-label={`${tenant.pendingCount} networks of ${tenant.name} waiting for approval`}>
                        <Badge tone="warning">{tenant.pendingCount.toLocaleString("en-US")}</Badge>
                      </Link>
                    ) : (
                      <span className="text-slate-400 dark:text-slate-500">0</span>
                    )}
                  </DataTableCell>
                  <DataTableCell align="right">{tenant.userCount.toLocaleString("en-US")}</DataTableCell>
                </DataTableRow>
              ))}
            </DataTableBody>
          </DataTable>
          <nav aria-label="Pages" className="mt-4 flex justify-end gap-2">
            {cursor ? (
              <ButtonLink href="/tenants" variant="secondary" size="sm">
                First page
              </ButtonLink>
            ) : null}
            {page.nextCursor ? (
              <ButtonLink href={`/tenants?after=${page.nextCursor}`} variant="secondary" size="sm">
                Next page
              </ButtonLink>
            ) : null}
          </nav>
        </>
      )}
      {networkSettings ? (
        <Card className="mt-6">
          <CardHeader
            title="Tenant networks"
            description="The shortest networks a tenant administrator may store as the tenant's allowed networks."
          />
          <CardBody>
            <TenantNetworkSettingsForm settings={networkSettings} />
          </CardBody>
        </Card>
      ) : null}
    </>
  );
}
