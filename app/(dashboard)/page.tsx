import type { Metadata } from "next";
import Link from "next/link";
import { NavIcon } from "@/components/shell/nav-icon";
import { getRoleLabel, getVisibleNavItems, type NavLink } from "@/components/shell/nav-items";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/guards";
import type { Role } from "@/lib/generated/prisma/enums";

export const metadata: Metadata = { title: "Overview" };

const roleSummaries: Record<Role, string> = {
  ADMIN: "You can change the firewall policy, manage nodes and deploy rulesets, and manage users and platform settings.",
  OPERATOR: "You can change the firewall policy and tenant restrictions, deploy rulesets to nodes, and add or lift bans.",
  VIEWER: "You can review the policy, the nodes, the bans and the audit log. Changes need an operator or an administrator.",
  TENANT_ADMIN: "You can manage your tenant's address restrictions and review and lift the bans that affect it.",
};

export default async function OverviewPage() {
  const user = await requirePageUser();
  const entries = getVisibleNavItems(user.role);
  const sections: { title: string; links: NavLink[] }[] = [];
  for (const entry of entries) {
    if (entry.kind === "group") sections.push({ title: entry.label, links: [...entry.items] });
  }
  const areaLinks = entries.filter((entry): entry is NavLink => entry.kind === "link" && entry.href !== "/");
  if (areaLinks.length > 0) sections.push({ title: sections.length > 0 ? "Operations and administration" : "Your areas", links: areaLinks });

  return (
    <>
      <PageHeader title="Overview" description="Security policy for your Asterisk PBX cluster, in one place." />

      <Card className="p-4 sm:p-6">
        <div className="flex items-start gap-4">
          <div className="hidden size-12 shrink-0 items-center justify-center rounded-full bg-brand-50 text-brand-600 sm:flex dark:bg-brand-500/15 dark:text-brand-100">
            <NavIcon name="firewall" className="size-6" />
          </div>
          <div className="min-w-0">
            <h2 className="text-lg font-semibold">Welcome, {user.name}</h2>
            <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
              <span className="min-w-0 break-all">Signed in as {user.email}</span>
              <Badge tone="info">{getRoleLabel(user.role)}</Badge>
            </p>
            <p className="mt-3 text-sm text-slate-700 dark:text-slate-300">{roleSummaries[user.role]}</p>
          </div>
        </div>
      </Card>

      {sections.map((section, index) => (
        <section key={section.title} aria-labelledby={`overview-section-${index}`} className="mt-8">
          <h2 id={`overview-section-${index}`} className="text-sm font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
            {section.title}
          </h2>
          <ul role="list" className="mt-3 grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
            {section.links.map((link) => (
              <li key={link.href}>
                <Link
                  href={link.href}
                  className="group flex h-full items-start gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm transition-colors hover:border-brand-500 hover:bg-brand-50/40 dark:border-slate-800 dark:bg-slate-900 dark:hover:border-brand-500 dark:hover:bg-slate-800/60"
                >
                  <span className="flex size-9 shrink-0 items-center justify-center rounded-lg bg-slate-100 text-slate-600 group-hover:bg-brand-100 group-hover:text-brand-700 dark:bg-slate-800 dark:text-slate-300 dark:group-hover:bg-brand-500/20 dark:group-hover:text-brand-100">
                    <NavIcon name={link.icon} className="size-5" />
                  </span>
                  <span className="min-w-0">
                    <span className="block text-sm font-semibold text-slate-900 dark:text-white">{link.label}</span>
                    <span className="mt-0.5 block text-sm text-slate-600 dark:text-slate-400">{link.description}</span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
