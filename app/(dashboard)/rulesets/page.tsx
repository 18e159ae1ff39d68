import type { Metadata } from "next";
import { NavIcon } from "@/components/shell/nav-icon";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Rulesets" };

export default async function RulesetsPage() {
  await requirePagePermission("policy:read");
  return (
    <>
      <PageHeader
        title="Rulesets"
        description="Compiled versions of the policy (iptables, ipset and fail2ban configuration) and the nodes each was deployed to."
      />
      <EmptyState
        icon={<NavIcon name="rulesets" />}
        title="No rulesets yet"
        description="Each time the policy is compiled, Rampart keeps the result so you can review what changed, deploy it to your nodes and roll back. Compiling and deploying arrives with rulesets."
      />
    </>
  );
}
