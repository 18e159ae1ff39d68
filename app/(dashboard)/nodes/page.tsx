import type { Metadata } from "next";
import { NavIcon } from "@/components/shell/nav-icon";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Nodes" };

export default async function NodesPage() {
  await requirePagePermission("nodes:read");
  return (
    <>
      <PageHeader
        title="Nodes"
        description="The Asterisk servers Rampart protects, their connection status and the ruleset each one runs."
      />
      <EmptyState
        icon={<NavIcon name="nodes" />}
        title="No nodes yet"
        description="Nodes are the Asterisk servers Rampart protects; Rampart reaches them over SSH to push rulesets and read bans. Adding nodes arrives with node management."
      />
    </>
  );
}
