import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import { hashPassword } from "@/lib/auth/password";
import { writeAudit, type Actor } from "./audit";

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  tenantId: string | null;
  disabled: boolean;
  lastSignInAt: Date | null;
  createdAt: Date;
}

const userViewSelect = {
  id: true, email: true, name: true, role: true, tenantId: true, disabled: true, lastSignInAt: true, createdAt: true,
} as const;

/** What the audit log keeps of a user: never the password hash. */
function auditView(user: UserView) {
  return { email: user.email, name: user.name, role: user.role, tenantId: user.tenantId, disabled: user.disabled };
}

export async function countUsers(): Promise<number> {
  return getDb().user.count();
}

/** Creates a user with a hashed password; refuses a taken e-mail with a clear message. */
export async function createUser(
  actor: Actor,
  input: { email: string; name?: string; role: Role; tenantId?: string | null; password: string },
): Promise<UserView> {
  const passwordHash = await hashPassword(input.password);
  return getDb().$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
    if (existing) throw new AppError("CONFLICT", `A user with the e-mail ${input.email} already exists.`);
    if (input.tenantId) {
      const tenant = await tx.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } });
      if (!tenant) throw new AppError("VALIDATION", "The tenant does not exist.", { tenantId: ["The tenant does not exist."] });
    }
    const user = await tx.user.create({
      data: { email: input.email, name: input.name ?? "", role: input.role, tenantId: input.tenantId ?? null, passwordHash },
      select: userViewSelect,
    });
    await writeAudit(tx, actor, { action: "user.create", objectType: "user", objectId: user.id, after: auditView(user) });
    return user;
  });
}

/** Sets a new password and ends every session of the user. */
export async function resetUserPassword(actor: Actor, email: string, password: string): Promise<UserView> {
  const passwordHash = await hashPassword(password);
  return getDb().$transaction(async (tx) => {
    const found = await tx.user.findUnique({ where: { email }, select: userViewSelect });
    if (!found) throw new AppError("NOT_FOUND", `No user with the e-mail ${email}.`);
    await tx.user.update({ where: { id: found.id }, data: { passwordHash } });
    await tx.authSession.updateMany({ where: { userId: found.id, revokedAt: null }, data: { revokedAt: new Date() } });
    await writeAudit(tx, actor, { action: "user.reset-password", objectType: "user", objectId: found.id, after: auditView(found) });
    return found;
  });
}

/** Changes role, tenant or disabled flag; any change ends the user's sessions at once. */
export async function updateUser(
  actor: Actor,
  id: string,
  changes: { name?: string; role?: Role; tenantId?: string | null; disabled?: boolean },
): Promise<UserView> {
  return getDb().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id }, select: userViewSelect });
    if (!before) throw new AppError("NOT_FOUND", "The user does not exist.");
    const role = changes.role ?? before.role;
    const tenantId = changes.tenantId !== undefined ? changes.tenantId : before.tenantId;
    if ((role === "TENANT_ADMIN") !== Boolean(tenantId)) {
      throw new AppError("VALIDATION", "A tenant administrator needs a tenant; other roles must not have one.", {
        tenantId: ["A tenant administrator needs a tenant; other roles must not have one."],
      });
    }
    const after = await tx.user.update({
      where: { id },
      data: { name: changes.name, role, tenantId, disabled: changes.disabled },
      select: userViewSelect,
    });
    const isSecurityChange = after.role !== before.role || after.tenantId !== before.tenantId || (after.disabled && !before.disabled);
    if (isSecurityChange) {
      await tx.authSession.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: new Date() } });
    }
    await writeAudit(tx, actor, { action: "user.update", objectType: "user", objectId: id, before: auditView(before), after: auditView(after) });
    return after;
  });
}
