import { getRoleLabel } from "@/components/shell/nav-items";
import type { Role } from "@/lib/generated/prisma/enums";
import { roles } from "@/lib/validation/auth";

// Shared by the Users pages: role choices and times. Times are shown in UTC, labelled, so what the page
// shows never depends on the server's or the browser's zone.

export const roleOptions: { value: Role; label: string }[] = roles.map((role) => ({ value: role, label: getRoleLabel(role) }));

export const ROLE_HINT =
  "Administrators can do everything, users included. Operators change the policy and deploy. Viewers only read. " +
  "Tenant administrators manage their own tenant's address restrictions and bans.";

/** "2030-01-31 12:00 UTC", or the fallback for no time. */
export function formatUtc(date: Date | string | null, fallback = "Never"): string {
  if (!date) return fallback;
  const iso = (typeof date === "string" ? new Date(date) : date).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
