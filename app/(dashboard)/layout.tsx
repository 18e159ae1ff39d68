import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { getRoleLabel, getVisibleNavItems } from "@/components/shell/nav-items";
import { requirePageUser } from "@/lib/auth/guards";

// Every page here reads the session, so none can be prerendered.
export const dynamic = "force-dynamic";



/** The signed-in frame. It only shapes navigation; each page still checks its own permission. */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  return (
    <AppShell navItems={getVisibleNavItems(user.role)} user={{ email: user.email, roleLabel: getRoleLabel(user.role) }}>
      {children}
    </AppShell>
  );
}
