import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getRoleLabel } from "@/components/shell/nav-items";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { getUser, listTenantChoices } from "@/lib/db/queries/users";
import { isAppError } from "@/lib/errors";
import { userIdSchema } from "@/lib/validation/auth";
import { EditUserForm } from "../_components/edit-user-form";
import { formatInstant, formatInstantOr } from "@/lib/format/instant";
import { UserAccountActions } from "../_components/user-account-actions";

export const metadata: Metadata = { title: "User" };

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePagePermission("users:manage");
  const caller = callerFromUser(user);
  const id = userIdSchema.safeParse((await params).id);
  if (!id.success) notFound();
  const [target, tenants] = await Promise.all([
    getUser(caller, id.data).catch((error: unknown) => {
      if (isAppError(error) && error.code === "NOT_FOUND") notFound();
      throw error;
    }),
    listTenantChoices(caller),
  ]);
  const isSelf = target.id === user.id;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/users" className="text-brand-700 hover:underline dark:text-brand-100">
          Users
        </Link>
      </nav>
      <PageHeader
        title={target.email}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <span>{getRoleLabel(target.role)}</span>
            {target.tenantName ? <span>· {target.tenantName}</span> : null}
            {target.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>}
            {isSelf ? <Badge tone="info">You</Badge> : null}
          </span>
        }
        actions={
          <ButtonLink href="/users" variant="secondary">
            Back to users
          </ButtonLink>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Profile and role" />
          <CardBody>
            <EditUserForm
              user={{ id: target.id, name: target.name, role: target.role, tenantId: target.tenantId }}
              tenants={tenants}
              isSelf={isSelf}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Account" />
          <CardBody className="space-y-4">
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-slate-500 dark:text-slate-400">Status</dt>
              <dd>{target.disabled ? "Disabled: cannot sign in" : "Active"}</dd>
              <dt className="text-slate-500 dark:text-slate-400">Last sign-in</dt>
              <dd>{formatInstantOr(target.lastSignInAt, "Never")}</dd>
              <dt className="text-slate-500 dark:text-slate-400">Created</dt>
              <dd>{formatInstant(target.createdAt)}</dd>
            </dl>
            <UserAccountActions user={{ id: target.id, email: target.email, disabled: target.disabled }} isSelf={isSelf} />
            <p className="text-sm">
              <Link
                href={`/audit?objectType=user&objectId=${target.id}`}
                className="font-medium text-brand-700 hover:underline dark:text-brand-100"
              >
                History of this user in the audit log
              </Link>
            </p>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
