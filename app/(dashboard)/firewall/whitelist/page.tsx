import type { Metadata } from "next";
import { headers } from "next/headers";
import { AddressListView, ListHeaderActions, type SearchParams } from "@/components/address-list/address-list-view";
import { NavIcon } from "@/components/shell/nav-icon";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Whitelist" };

export default async function WhitelistPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("policy:read");
  const caller = callerFromUser(user, getClientIp(await headers()));
  const canWrite = hasPermission(user.role, "policy:write");
  const target = { kind: "whitelist" } as const;
  return (
    <>
      <PageHeader
        title="Whitelist"
        description="Addresses and networks that are always allowed to reach your PBX nodes, ahead of every other rule. Where a network is on both lists, the whitelist wins."
        actions={<ListHeaderActions target={target} canWrite={canWrite} />}
      />
      <AddressListView
        target={target}
        caller={caller}
        canWrite={canWrite}
        searchParams={await searchParams}
        empty={{
          icon: <NavIcon name="whitelist" />,
          title: "No whitelisted addresses yet",
          description: "Whitelist your SIP trunks, carriers and office networks so that blocklists, GeoIP and rate limits never cut them off. Add them one by one above, or import a list.",
        }}
      />
    </>
  );
}
