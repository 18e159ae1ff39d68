import type { Metadata } from "next";
import Link from "next/link";
import { NavIcon } from "@/components/shell/nav-icon";
import { getRoleLabel } from "@/components/shell/nav-items";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableEmptyRow,
  DataTableHead,
  DataTableHeaderCell,
  DataTableRow,
} from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { TextField } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { getTokenSettings, listApiTokens, type TokenStatus } from "@/lib/db/queries/tokens";
import { listTenantChoices, listUsers } from "@/lib/db/queries/users";
import { isAppError } from "@/lib/errors";
import { CreateTokenForm } from "./_components/create-token-form";
import { RevokeTokenButton } from "./_components/revoke-token-button";
import { TokenSettingsForm } from "./_components/token-settings-form";
import { UtcTime } from "@/components/ui/utc-time";
import { formatInstant } from "@/lib/format/instant";

export const metadata: Metadata = { title: "Users" };

const PAGE_SIZE = 50;

const tokenStatus: Record<TokenStatus, { label: string; tone: BadgeTone }> = {
  active: { label: "Active", tone: "success" },
  expired: { label: "Expired", tone: "warning" },
  revoked: { label: "Revoked", tone: "neutral" },
};

/** A cursor from the query string; a tampered one starts from the first page instead of failing. */
async function withCursor<T>(load: (cursor: string | undefined) => Promise<T>, cursor: string | undefined): Promise<T> {
  try {
    return await load(cursor);
  } catch (error) {
    if (cursor && isAppError(error) && error.code === "VALIDATION") return load(undefined);
    throw error;
  }
}

const param = (value: string | string[] | undefined) => (typeof value === "string" && value.length <= 2_000 ? value : undefined);

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission("users:manage");
  const caller = callerFromUser(user);
  const query = await searchParams;
  const usersCursor = param(query.users);
  const tokensCursor = param(query.tokens);
  const search = param(query.q)?.trim().slice(0, 254) || undefined;
  const [users, tokens, tenants, tokenSettings] = await Promise.all([
    withCursor((cursor) => listUsers(caller, { limit: PAGE_SIZE, cursor, search }), usersCursor),
    withCursor((cursor) => listApiTokens(caller, { limit: PAGE_SIZE, cursor }), tokensCursor),
    listTenantChoices(caller),
    getTokenSettings(caller),
  ]);
  const link = (next: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ q: search, users: usersCursor, tokens: tokensCursor, ...next })) if (value) params.set(key, value);
    const text = params.toString();
    return text ? `/users?${text}` : "/users";
  };

  return (
    <>
      <PageHeader
        title="Users"
        description="The people who can sign in to Rampart, their roles, and the API tokens scripts use."
        actions={<ButtonLink href="/users/new">Add user</ButtonLink>}
      />

      <section aria-labelledby="users-heading">
        <h2 id="users-heading" className="sr-only">
          Accounts
        </h2>
        <form method="get" action="/users" role="search" aria-label="Find users" className="mb-4 flex max-w-xl items-end gap-2">
          <TextField label="Find a user" name="q" type="search" defaultValue={search ?? ""} placeholder="Part of an e-mail or a name" className="min-w-0 flex-1" />
          <Button type="submit" variant="secondary">
            Search
          </Button>
          {search ? (
            <ButtonLink href="/users" variant="ghost">
              Show all
            </ButtonLink>
          ) : null}
        </form>
        <DataTable label="Users">
          <DataTableHead>
            <DataTableHeaderCell>E-mail</DataTableHeaderCell>
            <DataTableHeaderCell>Name</DataTableHeaderCell>
            <DataTableHeaderCell>Role</DataTableHeaderCell>
            <DataTableHeaderCell>Tenant</DataTableHeaderCell>
            <DataTableHeaderCell>Status</DataTableHeaderCell>
            <DataTableHeaderCell>Last sign-in</DataTableHeaderCell>
          </DataTableHead>
          <DataTableBody>
            {users.items.length === 0 ? (
              <DataTableEmptyRow colSpan={6}>
                <EmptyState
                  as="h3"
                  isFramed={false}
                  icon={<NavIcon name="users" />}
                  title={search ? `No user matches “${search}”` : "No users on this page"}
                  description={search ? "Try part of the e-mail address, or the person's name." : undefined}
                  action={<ButtonLink href="/users" variant="secondary">Show all users</ButtonLink>}
                />
              </DataTableEmptyRow>
            ) : (
              users.items.map((row) => (
                <DataTableRow key={row.id}>
                  <DataTableCell>
                    <Link href={`/users/${row.id}`} className="font-medium text-brand-700 hover:underline dark:text-brand-100">
                      {row.email}
                    </Link>
                    {row.id === user.id ? <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">(you)</span> : null}
                  </DataTableCell>
                  <DataTableCell>{row.name || <span className="text-slate-400 dark:text-slate-500">—</span>}</DataTableCell>
                  <DataTableCell>{getRoleLabel(row.role)}</DataTableCell>
                  <DataTableCell>{row.tenantName ?? <span className="text-slate-400 dark:text-slate-500">—</span>}</DataTableCell>
                  <DataTableCell>{row.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>}</DataTableCell>
                  <DataTableCell>
                    <UtcTime date={row.lastSignInAt} isStacked />
                  </DataTableCell>
                </DataTableRow>
              ))
            )}
          </DataTableBody>
        </DataTable>
        {usersCursor || users.nextCursor ? (
          <nav aria-label="Users pages" className="mt-3 flex justify-end gap-2">
            {usersCursor ? (
              <ButtonLink href={link({ users: undefined })} variant="secondary" size="sm">
                First page
              </ButtonLink>
            ) : null}
            {users.nextCursor ? (
              <ButtonLink href={link({ users: users.nextCursor })} variant="secondary" size="sm">
                Next page
              </ButtonLink>
            ) : null}
          </nav>
        ) : null}
      </section>

      <section aria-labelledby="tokens-heading" className="mt-10">
        <div className="mb-4">
          <h2 id="tokens-heading" className="text-lg font-semibold text-slate-900 dark:text-white">
            API tokens
          </h2>
          <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-400">
            Scripts authenticate to the REST API with a token. Each token acts with its own role; a tenant administrator token is limited to its tenant.
            A token belongs to the user who created it and is revoked when that user is disabled, deleted, changes role or tenant, or signs out everywhere.
            Every token expires, after at most {tokenSettings.lifetimeDays} days.
          </p>
        </div>
        <Card>
          <CardHeader title="Create a token" as="h3" />
          <CardBody>
            <CreateTokenForm tenants={tenants} lifetimeDays={tokenSettings.lifetimeDays} />
          </CardBody>
        </Card>
        <Card className="mt-6">
          <CardHeader title="Token lifetime" as="h3" />
          <CardBody>
            <TokenSettingsForm lifetimeDays={tokenSettings.lifetimeDays} />
          </CardBody>
        </Card>
        <DataTable label="API tokens" className="mt-6">
          <DataTableHead>
            <DataTableHeaderCell>Name</DataTableHeaderCell>
            <DataTableHeaderCell>Prefix</DataTableHeaderCell>
            <DataTableHeaderCell>Role and tenant</DataTableHeaderCell>
            <DataTableHeaderCell>Created</DataTableHeaderCell>
            <DataTableHeaderCell>Last used</DataTableHeaderCell>
            <DataTableHeaderCell>Expires</DataTableHeaderCell>
            <DataTableHeaderCell>Status</DataTableHeaderCell>
            <DataTableHeaderCell align="right">
              <span className="sr-only">Actions</span>
            </DataTableHeaderCell>
          </DataTableHead>
          <DataTableBody>
            {tokens.items.length === 0 ? (
              <DataTableEmptyRow colSpan={8}>
                <EmptyState
                  as="h3"
                  isFramed={false}
                  title="No API tokens yet"
                  description="Create a token above for each script or integration, so that each can be revoked on its own."
                />
              </DataTableEmptyRow>
            ) : (
              tokens.items.map((token) => (
                <DataTableRow key={token.id}>
                  <DataTableCell className="font-medium text-slate-900 dark:text-white">{token.name}</DataTableCell>
                  <DataTableCell isMono>{token.prefix}…</DataTableCell>
                  <DataTableCell>
                    {getRoleLabel(token.role)}
                    {token.tenantName ? <span className="block max-w-40 truncate text-xs text-slate-500 dark:text-slate-400" title={token.tenantName}>{token.tenantName}</span> : null}
                  </DataTableCell>
                  <DataTableCell>
                    <UtcTime date={token.createdAt} isStacked />
                    <span className="block max-w-40 truncate text-xs text-slate-500 dark:text-slate-400" title={token.createdBy ?? undefined}>
                      {token.createdBy ? `by ${token.createdBy}` : "by the CLI (no owner)"}
                    </span>
                  </DataTableCell>
                  <DataTableCell>
                    <UtcTime date={token.lastUsedAt} isStacked />
                    {token.lastUsedIp ? <span className="block font-mono text-xs text-slate-500 dark:text-slate-400">from {token.lastUsedIp}</span> : null}
                  </DataTableCell>
                  <DataTableCell>{token.revokedAt ? <span className="text-slate-400 dark:text-slate-500">—</span> : <UtcTime date={token.expiresAt} isStacked />}</DataTableCell>
                  <DataTableCell>
                    <Badge tone={tokenStatus[token.status].tone}>{tokenStatus[token.status].label}</Badge>
                    {token.revokedAt ? <span className="mt-1 block text-xs text-slate-500 dark:text-slate-400">{formatInstant(token.revokedAt)}</span> : null}
                  </DataTableCell>
                  <DataTableCell align="right">{token.status === "active" ? <RevokeTokenButton token={{ id: token.id, name: token.name, prefix: token.prefix }} /> : null}</DataTableCell>
                </DataTableRow>
              ))
            )}
          </DataTableBody>
        </DataTable>
        {tokensCursor || tokens.nextCursor ? (
          <nav aria-label="API token pages" className="mt-3 flex justify-end gap-2">
            {tokensCursor ? (
              <ButtonLink href={link({ tokens: undefined })} variant="secondary" size="sm">
                Newest tokens
              </ButtonLink>
            ) : null}
            {tokens.nextCursor ? (
              <ButtonLink href={link({ tokens: tokens.nextCursor })} variant="secondary" size="sm">
                Older tokens
              </ButtonLink>
            ) : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}
