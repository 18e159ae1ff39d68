import "server-only";
import { redirect } from "next/navigation";
import { AppError } from "@/lib/errors";
import { hasPermission, type Permission } from "./permissions";
import { getCurrentUser, type SessionUser } from "./session";

// Pages call requirePagePermission (redirects / 403 page); server actions and route handlers call
// requirePermission (throws AppError). proxy.ts is only a convenience redirect, never the check.

/** For pages: the user, or a redirect to the sign-in page. */
export async function requirePageUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  return user;
}

/** For pages: the user if they hold the permission; otherwise the forbidden page. */
export async function requirePagePermission(permission: Permission): Promise<SessionUser> {
  const user = await requirePageUser();
  if (!hasPermission(user.role, permission)) redirect("/forbidden");
  return user;
}

/** For server actions: the signed-in user holding the permission, or an AppError. */
export async function requirePermission(permission: Permission): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  if (!hasPermission(user.role, permission)) throw new AppError("FORBIDDEN", "You do not have permission to do this.");
  return user;
}
