import type { Metadata } from "next";
import { headers } from "next/headers";
import { AddressListView, ListHeaderActions, type SearchParams } from "@/components/address-list/address-list-view";
import { NavIcon } from "@/components/shell/nav-icon";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Blocklist" };

export default async function BlocklistPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("policy:read");
  const caller = callerFromUser(user, getClientIp(await headers()));
  const canWrite = hasPermission(user.role, "policy:write");
  const target = { kind: "blocklist" } as const;
  return (
    <>
      <PageHeader
        title="Blocklist"
        description="Addresses and networks that are always dropped on every node. A network that is also on the whitelist is allowed: the whitelist wins."
        actions={<ListHeaderActions target={target} canWrite={canWrite} />}
      />
      <AddressListView
        target={target}
        caller={caller}
        canWrite={canWrite}
        searchParams={await searchParams}
        empty={{
          icon: <NavIcon name="blocklist" />,
          title: "No blocked addresses yet",
          description: "Block known attackers and abusive networks by address or CIDR range, one by one above or by importing a list (plain text or CSV).",
        }}
      />
    </>
  );
}
