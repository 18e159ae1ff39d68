import type { Metadata } from "next";
import { headers } from "next/headers";
import { AddressListView, ListHeaderActions, type SearchParams } from "@/components/address-list/address-list-view";
import { NavIcon } from "@/components/shell/nav-icon";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { readAutoWhitelistSettings } from "@/lib/db/queries/auto-whitelist";
import { canWriteScope } from "@/lib/validation/address-entry";
import { describeSeconds } from "@/lib/validation/settings";
import { AutoWhitelistForm } from "./_components/auto-whitelist-form";

export const metadata: Metadata = { title: "Whitelist" };

export default async function WhitelistPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("policy:read");
  const caller = callerFromUser(user, getClientIp(await headers()));
  const canWrite = hasPermission(user.role, "policy:write");
  const target = { kind: "whitelist" } as const;
  const autoWhitelist = await readAutoWhitelistSettings(caller);
  return (
    <>
      <PageHeader
        title="Whitelist"
        description="Addresses and networks you trust, each with a scope: All ports (ahead of every other rule, never banned; administrators only), SIP only (SIP and media, still behind the blocklist, GeoIP, bans and scanner rules, never rate-limited or banned by the VoIP jail), or No ban (only never banned by the VoIP jail). Only All-ports entries win over the blocklist."
        actions={<ListHeaderActions target={target} canWrite={canWrite} canWriteAll={canWriteScope(user.role, "ALL")} />}
      />
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Auto-whitelist registered phones"
            description={`While on, every address a phone registers from successfully becomes a whitelist entry scoped SIP: SIP and RTP only, never SSH or any other port, still behind the blocklist, GeoIP, bans and scanner rules, exempt from the SIP rate limits and never banned by the VoIP jail. Each entry expires ${describeSeconds(autoWhitelist.ttlSeconds)} (the time to live) after the phone's last successful registration and is renewed while the phone keeps registering. Your own whitelist entries covering the address are left alone.`}
          />
          <CardBody>
            <AutoWhitelistForm initial={autoWhitelist} canWrite={hasPermission(user.role, "settings:manage")} />
          </CardBody>
        </Card>
        <AddressListView
          target={target}
          caller={caller}
          canWrite={canWrite}
          searchParams={await searchParams}
          empty={{
            icon: <NavIcon name="whitelist" />,
            title: "No whitelisted addresses yet",
            description: "Whitelist your SIP trunks and carriers (All ports, or SIP only) and your office phones (SIP only) so that rate limits and the VoIP jail never cut them off. Add them one by one above, or import a list.",
          }}
        />
      </div>
    </>
  );
}
