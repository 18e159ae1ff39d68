import { getRoleLabel } from "@/components/shell/nav-items";
import type { Role } from "@/lib/generated/prisma/enums";
import { roles } from "@/lib/validation/auth";

// Shared by the Users pages: role choices and the hint that explains them.

export const roleOptions: { value: Role; label: string }[] = roles.map((role) => ({ value: role, label: getRoleLabel(role) }));

export const ROLE_HINT =
  "Administrators can do everything, users included. Operators change the policy and deploy. Viewers only read. " +
  "Tenant administrators manage their own tenant's address restrictions and bans.";
