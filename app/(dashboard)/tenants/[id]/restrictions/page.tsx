import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { z } from "zod";
import { AddressListView, ListHeaderActions, type SearchParams } from "@/components/address-list/address-list-view";
import { NavIcon } from "@/components/shell/nav-icon";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission, isTenantScoped } from "@/lib/auth/permissions";
import { getCurrentUser } from "@/lib/auth/session";
import { getRestrictionsTenant } from "@/lib/db/queries/address-entries";
import { getTenantNetworkSettings, listPendingTenantNetworks } from "@/lib/db/queries/tenants";
import { isAppError } from "@/lib/errors";
import { minimumPrefixHint, TENANT_NETWORKS_DESCRIPTION } from "../../_components/tenant-texts";
import { PendingNetworks } from "./_components/pending-networks";

type Params = Promise<{ id: string }>;

/** The tenant, or the 404 page: unknown ids, malformed ids and other tenants' ids look the same. */
async function loadTenant(caller: Caller, id: string): Promise<{ id: string; name: string }> {
  if (!z.uuid().safeParse(id).success) notFound();
  try {
    return await getRestrictionsTenant(caller, id);
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  const user = await getCurrentUser();
  if (!user || !hasPermission(user.role, "restrictions:read") || !z.uuid().safeParse(id).success) return { title: "IP restrictions" };
  try {
    return { title: `IP restrictions · ${(await getRestrictionsTenant(callerFromUser(user), id)).name}` };
  } catch {
    return { title: "Not found" };
  }
}

export default async function TenantRestrictionsPage({ params, searchParams }: { params: Params; searchParams: Promise<SearchParams> }) {
  // Tenant administrators reach only their own tenant (others' ids answer 404); administrators any tenant.
  const user = await requirePagePermission("restrictions:read");
  const caller = callerFromUser(user, getClientIp(await headers()));
  const { id } = await params;
  const tenant = await loadTenant(caller, id);
  const canWrite = hasPermission(user.role, "restrictions:write");
  const target = { kind: "tenant", tenantId: tenant.id } as const;
  const [pending, minimums] = await Promise.all([listPendingTenantNetworks(caller, tenant.id), getTenantNetworkSettings(caller)]);
  const isTenantAdmin = isTenantScoped(user.role);
  return (
    <>
      {hasPermission(user.role, "tenants:read") ? (
        <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-600 dark:text-slate-400">
          <Link href="/tenants" className="hover:underline">
            Tenants
          </Link>{" "}
          /{" "}
          <Link href={`/tenants/${tenant.id}`} className="hover:underline">
            {tenant.name}
          </Link>
        </nav>
      ) : null}
      <PageHeader
        title={`IP restrictions of ${tenant.name}`}
        description={TENANT_NETWORKS_DESCRIPTION}
        actions={<ListHeaderActions target={target} canWrite={canWrite} />}
      />
      {isTenantAdmin && canWrite ? (
        <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
          {minimumPrefixHint(minimums)} A network that overlaps another tenant&apos;s network, or is over-broad, waits for an administrator&apos;s approval.
        </p>
      ) : null}
      {pending.length > 0 ? (
        <PendingNetworks
          tenantId={tenant.id}
          canDecide={hasPermission(user.role, "tenants:write")}
          items={pending.map((entry) => ({
            id: entry.id,
            network: entry.network,
            comment: entry.comment,
            pendingReason: entry.pendingReason,
            author: entry.author,
            createdAt: entry.createdAt.toISOString(),
          }))}
        />
      ) : null}
      <AddressListView
        target={target}
        caller={caller}
        canWrite={canWrite}
        searchParams={await searchParams}
        empty={{
          icon: <NavIcon name="tenants" />,
          title: "No IP restrictions yet",
          description: "Add the tenant's office networks and addresses (its allowed networks), or import a list.",
        }}
      />
    </>
  );
}
