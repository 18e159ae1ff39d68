import { assertPermission, type Caller } from "@/lib/auth/caller";
import { hashPassword } from "@/lib/auth/password";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { writeAudit, type Actor } from "./audit";
import { decodeKeysetCursor, encodeKeysetCursor } from "./keyset-cursor";
import { revokeTokensOfUser, type OwnerRevocationReason } from "./tokens";

// Users. Every function takes either a Caller (browser session or API token: checked for "users:manage"
// here, next to the data) or a bare Actor (trusted in-process callers: the CLI and the first-admin
// bootstrap, which run with the database's own credentials anyway). Every change is audited in its own
// transaction, without the password hash.

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

export interface UserListItem extends UserView {
  tenantName: string | null;
}

/** A Caller is authorized here; a bare Actor is a trusted in-process caller (CLI, bootstrap). */
export type Principal = Caller | Actor;

function actorOf(who: Principal): Actor {
  if ("actor" in who) {
    assertPermission(who, "users:manage");
    return who.actor;
  }
  return who;
}

const userViewSelect = {
  id: true, email: true, name: true, role: true, tenantId: true, disabled: true, lastSignInAt: true, createdAt: true,
} as const;

const userListSelect = { ...userViewSelect, tenant: { select: { name: true } } } as const satisfies Prisma.UserSelect;

function toListItem(row: Prisma.UserGetPayload<{ select: typeof userListSelect }>): UserListItem {
  const { tenant, ...view } = row;
  return { ...view, tenantName: tenant?.name ?? null };
}

/** What the audit log keeps of a user: never the password hash. */
function auditView(user: UserView) {
  return { email: user.email, name: user.name, role: user.role, tenantId: user.tenantId, disabled: user.disabled };
}

const USER_NOT_FOUND = "The user does not exist.";

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function emailTaken(email: string): AppError {
  const message = `A user with the e-mail ${email} already exists.`;
  return new AppError("CONFLICT", message, { email: [message] });
}

type Tx = Prisma.TransactionClient;

async function assertTenantExists(tx: Tx, tenantId: string | null | undefined): Promise<void> {
  if (!tenantId) return;
  const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
  if (!tenant) throw new AppError("VALIDATION", "The tenant does not exist.", { tenantId: ["The tenant does not exist."] });
}

/**
 * Serializes changes that could take away the last administrator: two administrators demoting each other
 * at the same moment must not both succeed. User management is rare, so one lock for all of it is cheap.
 */
async function lockUserAdministration(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(727301)`;
}

const isActiveAdmin = (user: { role: Role; disabled: boolean }) => user.role === "ADMIN" && !user.disabled;

/**
 * Refuses a change (`after` null: a deletion) that would lock the acting administrator out of their own
 * account or leave Rampart without an active administrator. Call it under lockUserAdministration. Only
 * callers of the dashboard and the API are held to it: the CLI, with the database's own credentials, is
 * the way back in (it can always create an administrator) and is trusted to know what it does.
 */
async function assertKeepsAdministrator(tx: Tx, who: Principal, before: UserView, after: { role: Role; disabled: boolean } | null): Promise<void> {
  if (!("actor" in who)) return;
  const { actor } = who;
  if (!isActiveAdmin(before) || (after && isActiveAdmin(after))) return;
  if (actor.type === "USER" && actor.id === before.id) {
    const what = after === null ? "delete your own account" : after.disabled ? "disable your own account" : "remove your own administrator role";
    throw new AppError("CONFLICT", `You cannot ${what}. Another administrator can do it.`);
  }
  const otherAdmins = await tx.user.count({ where: { role: "ADMIN", disabled: false, id: { not: before.id } } });
  if (otherAdmins === 0) {
    throw new AppError(
      "CONFLICT",
      `${before.email} is the last active administrator. Make another user an administrator first, so that someone can still manage Rampart.`,
    );
  }
}

export async function countUsers(): Promise<number> {
  return getDb().user.count();
}

/** LIKE wildcards in user text match themselves. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Users in e-mail order, one keyset page; `search` matches part of the e-mail or the name, in any case. */
export async function listUsers(
  caller: Caller,
  page: { limit: number; cursor?: string; search?: string },
): Promise<{ items: UserListItem[]; nextCursor: string | null }> {
  assertPermission(caller, "users:manage");
  const after = page.cursor ? decodeKeysetCursor(page.cursor, 1)[0] : undefined;
  const where: Prisma.UserWhereInput[] = [];
  if (after !== undefined) where.push({ email: { gt: after } });
  if (page.search) {
    const pattern = escapeLike(page.search);
    where.push({ OR: [{ email: { contains: pattern, mode: "insensitive" } }, { name: { contains: pattern, mode: "insensitive" } }] });
  }
  const rows = await getDb().user.findMany({
    where: { AND: where },
    orderBy: { email: "asc" },
    take: page.limit + 1,
    select: userListSelect,
  });
  const items = rows.slice(0, page.limit).map(toListItem);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > page.limit && last ? encodeKeysetCursor([last.email]) : null };
}

export async function getUser(caller: Caller, id: string): Promise<UserListItem> {
  assertPermission(caller, "users:manage");
  const row = await getDb().user.findUnique({ where: { id }, select: userListSelect });
  if (!row) throw new AppError("NOT_FOUND", USER_NOT_FOUND);
  return toListItem(row);
}

/** The tenants a user or token can be assigned to, by name. */
export async function listTenantChoices(caller: Caller): Promise<{ id: string; name: string }[]> {
  assertPermission(caller, "users:manage");
  return getDb().tenant.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
}

/** Creates a user with a hashed password; refuses a taken e-mail with a clear message. */
export async function createUser(
  who: Principal,
  input: { email: string; name?: string; role: Role; tenantId?: string | null; password: string },
): Promise<UserView> {
  const actor = actorOf(who);
  const passwordHash = await hashPassword(input.password);
  try {
    return await getDb().$transaction(async (tx) => {
      const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
      if (existing) throw emailTaken(input.email);
      await assertTenantExists(tx, input.tenantId);
      const user = await tx.user.create({
        data: { email: input.email, name: input.name ?? "", role: input.role, tenantId: input.tenantId ?? null, passwordHash },
        select: userViewSelect,
      });
      await writeAudit(tx, actor, { action: "user.create", objectType: "user", objectId: user.id, after: auditView(user) });
      return user;
    });
  } catch (error) {
    // Two creations of one e-mail at the same moment: the unique index decides.
    if (isUniqueViolation(error)) throw emailTaken(input.email);
    throw error;
  }
}

async function resetPassword(actor: Actor, where: { email: string } | { id: string }, password: string): Promise<UserView> {
  if ("id" in where && actor.type === "USER" && actor.id === where.id) {
    throw new AppError(
      "CONFLICT",
      "You cannot reset your own password here: it would end your session before you could copy the new one. Another administrator can reset it.",
    );
  }
  const passwordHash = await hashPassword(password);
  return getDb().$transaction(async (tx) => {
    const found = await tx.user.findUnique({ where, select: userViewSelect });
    if (!found) throw new AppError("NOT_FOUND", "email" in where ? `No user with the e-mail ${where.email}.` : USER_NOT_FOUND);
    await tx.user.update({ where: { id: found.id }, data: { passwordHash } });
    const { count } = await tx.authSession.updateMany({ where: { userId: found.id, revokedAt: null }, data: { revokedAt: new Date() } });
    await writeAudit(tx, actor, {
      action: "user.reset-password",
      objectType: "user",
      objectId: found.id,
      after: { ...auditView(found), sessionsEnded: count },
    });
    return found;
  });
}

/** Sets a new password and ends every session of the user. */
export async function resetUserPassword(who: Principal, email: string, password: string): Promise<UserView> {
  return resetPassword(actorOf(who), { email }, password);
}

/** Sets a new password by user id and ends every session of the user; refuses the caller's own account. */
export async function resetUserPasswordById(who: Principal, id: string, password: string): Promise<UserView> {
  return resetPassword(actorOf(who), { id }, password);
}

/**
 * Changes name, role, tenant or the disabled flag. A role, tenant or disable change ends the user's sessions
 * at once. Moving a user away from TENANT_ADMIN without naming a tenant clears the tenant. Refuses (to a
 * Caller) to disable or demote the caller themselves or the last active administrator.
 */
export async function updateUser(
  who: Principal,
  id: string,
  changes: { name?: string; role?: Role; tenantId?: string | null; disabled?: boolean },
): Promise<UserView> {
  return changeUser(who, id, changes, () => "user.update");
}

/** Disables (ending every session) or re-enables a user, audited as user.disable / user.enable. */
export async function setUserDisabled(who: Principal, id: string, disabled: boolean): Promise<UserView> {
  return changeUser(who, id, { disabled }, (after) => (after.disabled ? "user.disable" : "user.enable"));
}

async function changeUser(
  who: Principal,
  id: string,
  changes: { name?: string; role?: Role; tenantId?: string | null; disabled?: boolean },
  actionFor: (after: UserView) => string,
): Promise<UserView> {
  const actor = actorOf(who);
  return getDb().$transaction(async (tx) => {
    await lockUserAdministration(tx);
    const before = await tx.user.findUnique({ where: { id }, select: userViewSelect });
    if (!before) throw new AppError("NOT_FOUND", USER_NOT_FOUND);
    const role = changes.role ?? before.role;
    const tenantId =
      changes.tenantId !== undefined ? changes.tenantId : role !== "TENANT_ADMIN" && changes.role !== undefined ? null : before.tenantId;
    if ((role === "TENANT_ADMIN") !== Boolean(tenantId)) {
      const message = "A tenant administrator needs a tenant; other roles must not have one.";
      throw new AppError("VALIDATION", message, { tenantId: [message] });
    }
    if (tenantId !== before.tenantId) await assertTenantExists(tx, tenantId);
    const name = changes.name ?? before.name;
    const disabled = changes.disabled ?? before.disabled;
    const isUnchanged = name === before.name && role === before.role && tenantId === before.tenantId && disabled === before.disabled;
    if (isUnchanged) return before;
    await assertKeepsAdministrator(tx, who, before, { role, disabled });

    const after = await tx.user.update({ where: { id }, data: { name, role, tenantId, disabled }, select: userViewSelect });
    const isDisabling = after.disabled && !before.disabled;
    const isSecurityChange = after.role !== before.role || after.tenantId !== before.tenantId || isDisabling;
    await writeAudit(tx, actor, { action: actionFor(after), objectType: "user", objectId: id, before: auditView(before), after: auditView(after) });
    if (isSecurityChange) {
      await tx.authSession.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: new Date() } });
      // A token acts with the role it was given: one made under the old role or tenant must not outlive it.
      const reason: OwnerRevocationReason = isDisabling ? "owner-disabled" : "owner-role-changed";
      await revokeTokensOfUser(tx, actor, id, reason);
    }
    return after;
  });
}

/**
 * Deletes a user and their sessions and revokes their API tokens (the rows stay, for the record, without an
 * owner); the audit log keeps their e-mail as text. Same guards as disabling.
 */
export async function deleteUser(who: Principal, id: string): Promise<UserView> {
  const actor = actorOf(who);
  return getDb().$transaction(async (tx) => {
    await lockUserAdministration(tx);
    const before = await tx.user.findUnique({ where: { id }, select: userViewSelect });
    if (!before) throw new AppError("NOT_FOUND", USER_NOT_FOUND);
    await assertKeepsAdministrator(tx, who, before, null);
    await writeAudit(tx, actor, { action: "user.delete", objectType: "user", objectId: id, before: auditView(before) });
    await revokeTokensOfUser(tx, actor, id, "owner-deleted");
    await tx.user.delete({ where: { id } });
    return before;
  });
}

/**
 * Ends every session of the user, this one included, and revokes their API tokens (a lost laptop, a
 * shared computer, a leaked script). The user themself is the actor.
 */
export async function signOutEverywhere(user: { id: string; email: string }, ip: string | null): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const actor: Actor = { type: "USER", id: user.id, label: user.email, ip };
  return getDb().$transaction(async (tx) => {
    const { count } = await tx.authSession.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
    const tokensRevoked = await revokeTokensOfUser(tx, actor, user.id, "owner-signed-out-everywhere");
    await writeAudit(tx, actor, {
      action: "user.sign-out-everywhere", objectType: "user", objectId: user.id, after: { sessionsEnded: count, tokensRevoked },
    });
    return { sessionsEnded: count, tokensRevoked };
  });
}
