import type { Metadata } from "next";
import { NavIcon } from "@/components/shell/nav-icon";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/guards";
import { isTenantScoped } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Bans" };

export default async function BansPage() {
  const user = await requirePagePermission("bans:read");
  const isOwnTenantOnly = isTenantScoped(user.role);
  return (
    <>
      <PageHeader
        title="Bans"
        description={
          isOwnTenantOnly
            ? "Addresses banned on the cluster that affect your tenant, with the reason and when each ban ends."
            : "Addresses banned on your nodes right now, with the reason, the node and when each ban ends."
        }
      />
      <EmptyState
        icon={<NavIcon name="bans" />}
        title="No bans to show yet"
        description="When fail2ban or a rate limit bans an address, it will appear here with the jail, the node and the time left, and you will be able to lift it. Ban reporting arrives with node management."
      />
    </>
  );
}
