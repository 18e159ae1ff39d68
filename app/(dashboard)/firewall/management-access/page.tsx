import type { Metadata } from "next";
import { headers } from "next/headers";
import { AddressListView, ListHeaderActions, type SearchParams } from "@/components/address-list/address-list-view";
import { NavIcon } from "@/components/shell/nav-icon";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp, UNKNOWN_CLIENT_IP } from "@/lib/auth/client-ip";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { isCoveredByManagementAccess } from "@/lib/db/queries/address-entries";

export const metadata: Metadata = { title: "Management access" };

export default async function ManagementAccessPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("policy:read");
  const clientIp = getClientIp(await headers());
  const caller = callerFromUser(user, clientIp);
  const canWrite = hasPermission(user.role, "policy:write");
  const target = { kind: "management" } as const;
  const isKnownIp = clientIp !== UNKNOWN_CLIENT_IP;
  const isCovered = isKnownIp && (await isCoveredByManagementAccess(caller, clientIp));
  return (
    <>
      <PageHeader
        title="Management access"
        description="The anti-lockout list: networks from which SSH and the PBX web interface stay reachable on every node, whatever else is configured (blocklists, GeoIP, rate limits)."
        actions={<ListHeaderActions target={target} canWrite={canWrite} />}
      />
      {isKnownIp ? (
        <p
          role="note"
          className={
            "mb-6 rounded-md px-3 py-2 text-sm " +
            (isCovered
              ? "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
              : "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200")
          }
        >
          {isCovered ? (
            <>
              Your current address <span className="font-mono">{clientIp}</span> is on this list: you keep access to the nodes.
            </>
          ) : (
            <>
              Your current address <span className="font-mono">{clientIp}</span> is not on this list. Add it (or your office network) before
              tightening other rules, so a deployment cannot lock you out.
            </>
          )}
        </p>
      ) : null}
      <AddressListView
        target={target}
        caller={caller}
        canWrite={canWrite}
        searchParams={await searchParams}
        empty={{
          icon: <NavIcon name="management-access" />,
          title: "No management addresses yet",
          description:
            "List the networks your administrators connect from: SSH and the administration ports of every node stay open to them whatever else is configured.",
        }}
      />
    </>
  );
}
