import { hasPermission, type Permission } from "@/lib/auth/permissions";
import type { Role } from "@/lib/generated/prisma/enums";

// The navigation model: plain data, so the server layout can filter it by role and hand it to the
// client shell as props. Hiding a link is a convenience; every page checks its permission itself.

export type NavIconName =
  | "overview"
  | "firewall"
  | "whitelist"
  | "blocklist"
  | "scanners"
  | "geoip"
  | "rate-limits"
  | "fail2ban"
  | "management-access"
  | "tenants"
  | "call-limits"
  | "calls"
  | "nodes"
  | "bans"
  | "rulesets"
  | "audit"
  | "users"
  | "settings";

export interface NavLink {
  kind: "link";
  label: string;
  href: string;
  icon: NavIconName;
  /** One line for the Overview cards. */
  description: string;
  /** The permission needed to see the link; null for every signed-in user. */
  permission: Permission | null;
}

export interface NavGroup {
  kind: "group";
  label: string;
  icon: NavIconName;
  items: readonly NavLink[];
}

export type NavEntry = NavLink | NavGroup;

export const navigation: readonly NavEntry[] = [
  { kind: "link", label: "Overview", href: "/", icon: "overview", description: "Your starting point.", permission: null },
  {
    kind: "group",
    label: "Firewall",
    icon: "firewall",
    items: [
      { kind: "link", label: "Whitelist", href: "/firewall/whitelist", icon: "whitelist", description: "Trusted addresses that are always let through.", permission: "policy:read" },
      { kind: "link", label: "Blocklist", href: "/firewall/blocklist", icon: "blocklist", description: "Addresses and networks that are always dropped.", permission: "policy:read" },
      { kind: "link", label: "Scanners", href: "/firewall/scanners", icon: "scanners", description: "SIP scanner signatures matched on User-Agent.", permission: "policy:read" },
      { kind: "link", label: "GeoIP", href: "/firewall/geoip", icon: "geoip", description: "Countries allowed to reach your PBX nodes.", permission: "policy:read" },
      { kind: "link", label: "Rate limits", href: "/firewall/rate-limits", icon: "rate-limits", description: "Packet and connection limits per source.", permission: "policy:read" },
      { kind: "link", label: "Fail2ban", href: "/firewall/fail2ban", icon: "fail2ban", description: "Jails that ban sources after failed attempts.", permission: "policy:read" },
      { kind: "link", label: "Exposure", href: "/firewall/exposure", icon: "firewall", description: "Which services each node opens to whom; default deny.", permission: "policy:read" },
      { kind: "link", label: "Management access", href: "/firewall/management-access", icon: "management-access", description: "Who may reach SSH and the admin ports.", permission: "policy:read" },
    ],
  },
  { kind: "link", label: "Tenants", href: "/tenants", icon: "tenants", description: "Customers sharing the cluster and their restrictions.", permission: "tenants:read" },
  { kind: "link", label: "Call limits", href: "/call-limits", icon: "call-limits", description: "Concurrent-call and route-cost ceilings.", permission: "policy:read" },
  { kind: "link", label: "Nodes", href: "/nodes", icon: "nodes", description: "The Asterisk servers Rampart protects.", permission: "nodes:read" },
  { kind: "link", label: "Bans", href: "/bans", icon: "bans", description: "Addresses banned right now, and why.", permission: "bans:read" },
  { kind: "link", label: "Calls", href: "/calls", icon: "calls", description: "The calls the nodes' Asterisk recorded, with the call guard's decision.", permission: "calls:read" },
  { kind: "link", label: "Blocked extensions", href: "/call-limits/blocks", icon: "blocklist", description: "Extensions the call guard blocked for abuse, until lifted.", permission: "calls:read" },
  { kind: "link", label: "Spend", href: "/spend", icon: "call-limits", description: "Call spend today and this month against each limit.", permission: "tenants:read" },
  { kind: "link", label: "Rulesets", href: "/rulesets", icon: "rulesets", description: "Compiled rule versions and their deployments.", permission: "policy:read" },
  { kind: "link", label: "Audit log", href: "/audit", icon: "audit", description: "Who changed what, and when.", permission: "audit:read" },
  { kind: "link", label: "Users", href: "/users", icon: "users", description: "Accounts, roles and sessions.", permission: "users:manage" },
  { kind: "link", label: "Settings", href: "/settings", icon: "settings", description: "Platform-wide defaults and integrations.", permission: "settings:manage" },
];

function canSee(role: Role, link: NavLink): boolean {
  return link.permission === null || hasPermission(role, link.permission);
}

/** The navigation a role may see, in order; groups with no visible links are dropped. */
export function getVisibleNavItems(role: Role): NavEntry[] {
  const visible: NavEntry[] = [];
  for (const entry of navigation) {
    if (entry.kind === "link") {
      if (canSee(role, entry)) visible.push(entry);
      continue;
    }
    const items = entry.items.filter((item) => canSee(role, item));
    if (items.length > 0) visible.push({ ...entry, items });
  }
  return visible;
}

/** Every link of the entries, groups flattened, in order. */
export function flattenNavItems(entries: readonly NavEntry[]): NavLink[] {
  return entries.flatMap((entry) => (entry.kind === "link" ? [entry] : [...entry.items]));
}

/** Whether a link is the current page or an ancestor of it ("/" matches only itself). */
export function isNavLinkActive(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/";
  return pathname === href || pathname.startsWith(`${href}/`);
}

const roleLabels: Record<Role, string> = {
  ADMIN: "Administrator",
  OPERATOR: "Operator",
  TENANT_ADMIN: "Tenant administrator",
  VIEWER: "Viewer",
};

export function getRoleLabel(role: Role): string {
  return roleLabels[role];
}
