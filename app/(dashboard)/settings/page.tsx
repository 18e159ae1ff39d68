import type { Metadata } from "next";
import { NavIcon } from "@/components/shell/nav-icon";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requirePagePermission("settings:manage");
  return (
    <>
      <PageHeader
        title="Settings"
        description="Platform-wide defaults that apply to every node and tenant."
      />
      <EmptyState
        icon={<NavIcon name="settings" />}
        title="No settings to change yet"
        description="Defaults such as ban durations, abuse detection and GeoIP data updates will be managed here. This arrives with platform settings."
      />
    </>
  );
}
