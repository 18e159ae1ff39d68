import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { buttonClassName } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterForm } from "@/components/ui/filter-form";
import { Pager } from "@/components/ui/pager";
import { SelectField, TextField } from "@/components/ui/field";
import type { Caller } from "@/lib/auth/caller";
import { getListSummary, listAddressEntries, type AddressEntryPage } from "@/lib/db/queries/address-entries";
import { isAppError } from "@/lib/errors";
import { conflictingKind, LIST_WORDS, listApiPath, listPagePath, type ListTarget } from "@/lib/lists/targets";
import { canWriteScope, listQuerySchema, TRUST_SCOPE_INFO, TRUST_SCOPES, type ListQuery } from "@/lib/validation/address-entry";
import { toFieldErrors } from "@/lib/action-result";
import { AddEntry } from "./add-entry";
import { EntryTable } from "./entry-table";
import { toEntryRow } from "./entry-row";
import { ImportButton } from "./import-dialog";

// The one address-list page body (whitelist, blocklist, management access, tenant restrictions): add form,
// search (text and "covers address"), keyset pages with Previous / Next links, status badges, selection and
// bulk delete, import and export. A server component: the page's own permission check has run before it.

export type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const n = (value: number) => value.toLocaleString("en-US");

interface ListViewProps {
  target: ListTarget;
  caller: Caller;
  canWrite: boolean;
  searchParams: SearchParams;
  /** Shown when the list has no entries at all. */
  empty: { icon?: ReactNode; title: string; description: ReactNode };
}

/** Export (everyone who may read) and import (writers) for the page header. */
export function ListHeaderActions({ target, canWrite, canWriteAll = false }: { target: ListTarget; canWrite: boolean; canWriteAll?: boolean }) {
  const name = LIST_WORDS[target.kind].name;
  return (
    <>
      <a href={`${listApiPath(target)}/export`} download className={buttonClassName({ variant: "secondary" })}>
        Export CSV
      </a>
      {canWrite ? <ImportButton target={target} listName={name} scopeChoice={target.kind === "whitelist" ? { canWriteAll } : undefined} /> : null}
    </>
  );
}

async function ListSummaryLine({ caller, target }: { caller: Caller; target: ListTarget }) {
  const summary = await getListSummary(caller, target);
  const other = conflictingKind(target.kind);
  return (
    <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="list-summary">
      <span className="font-semibold text-slate-900 tabular-nums dark:text-white">{n(summary.total)}</span> {summary.total === 1 ? "entry" : "entries"}
      {summary.expired > 0 ? <> · {n(summary.expired)} expired (no longer applied)</> : null}
      {other !== null && summary.conflicts !== null && summary.conflicts > 0 ? (
        <>
          {" · "}
          <span className="font-medium text-red-700 dark:text-red-400">
            {n(summary.conflicts)} in conflict with the {other}
          </span>{" "}
          (the whitelist wins)
        </>
      ) : null}
    </p>
  );
}

function pageHref(target: ListTarget, query: Partial<Record<"q" | "covers" | "status" | "scope" | "sort" | "cursor", string | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === "") continue;
    if ((key === "status" && value === "all") || (key === "sort" && value === "newest")) continue;
    params.set(key, value);
  }
  const search = params.toString();
  return `${listPagePath(target)}${search ? `?${search}` : ""}`;
}

export async function AddressListView({ target, caller, canWrite, searchParams, empty }: ListViewProps) {
  const words = LIST_WORDS[target.kind];
  const other = conflictingKind(target.kind);
  const raw = {
    q: first(searchParams.q),
    covers: first(searchParams.covers),
    status: first(searchParams.status) || undefined,
    scope: target.kind === "whitelist" ? first(searchParams.scope) || undefined : undefined,
    sort: first(searchParams.sort) || undefined,
    cursor: first(searchParams.cursor) || undefined,
  };
  const parsed = listQuerySchema.safeParse(raw);
  let errors: Record<string, string[]> = parsed.success ? {} : toFieldErrors(parsed.error);
  let page: AddressEntryPage = { items: [], nextCursor: null, prevCursor: null };
  let query: ListQuery | null = parsed.success ? parsed.data : null;
  if (query) {
    try {
      page = await listAddressEntries(caller, target, query);
    } catch (error) {
      if (!isAppError(error) || error.code !== "VALIDATION") throw error;
      errors = error.fieldErrors ?? { _form: [error.message] };
      query = null;
    }
  }
  const status = raw.status ?? "all";
  const sort = raw.sort ?? "newest";
  const hasFilter = Boolean(raw.q || raw.covers || status !== "all" || raw.scope);
  const keep = { q: raw.q, covers: raw.covers, status, scope: raw.scope, sort };
  // The whitelist's entries carry a trust scope; ALL is an administrator's to write.
  const scopeChoice = target.kind === "whitelist" ? { canWriteAll: canWriteScope(caller.role, "ALL") } : undefined;
  const isCovers = Boolean(query?.covers);

  const hasInputError = Object.keys(errors).some((key) => key !== "cursor");
  const emptyState = hasInputError ? (
    <EmptyState isFramed={false} as="h3" title="Nothing to show" description="Correct the search fields above to see entries." />
  ) : hasFilter ? (
    <EmptyState
      isFramed={false}
      as="h3"
      title={isCovers ? `No entry of ${words.name} covers ${raw.covers}` : "No entries match"}
      description="Change the search or clear it to see the whole list."
      action={
        <Link href={listPagePath(target)} className={buttonClassName({ variant: "secondary" })}>
          Clear search
        </Link>
      }
    />
  ) : errors.cursor ? (
    <EmptyState isFramed={false} as="h3" title="This page link is out of date" description={errors.cursor[0]} action={<Link href={listPagePath(target)} className={buttonClassName({ variant: "secondary" })}>First page</Link>} />
  ) : raw.cursor ? (
    <EmptyState isFramed={false} as="h3" title="No more entries" description="The entries of this page were deleted meanwhile." action={<Link href={listPagePath(target)} className={buttonClassName({ variant: "secondary" })}>First page</Link>} />
  ) : (
    <EmptyState isFramed={false} as="h3" icon={empty.icon} title={empty.title} description={empty.description} />
  );

  return (
    <div className="space-y-6">
      {canWrite ? (
        <Card>
          <CardHeader title={`Add to ${words.name}`} description="Duplicates and entries already covered by a wider one are reported, not stored twice." />
          <CardBody>
            <AddEntry target={target} listName={words.name} scopeChoice={scopeChoice} />
          </CardBody>
        </Card>
      ) : null}

      <section aria-labelledby="entries-heading" className="space-y-4">
        <div className="flex flex-col gap-1 sm:flex-row sm:items-baseline sm:justify-between">
          <h2 id="entries-heading" className="text-base font-semibold">
            Entries
          </h2>
          <Suspense fallback={<p className="text-sm text-slate-500">Counting entries…</p>}>
            <ListSummaryLine caller={caller} target={target} />
          </Suspense>
        </div>

        <FilterForm
          action={listPagePath(target)}
          label={`Search ${words.name}`}
          columnsClassName={
            scopeChoice
              ? "lg:grid-cols-[minmax(0,1fr)_minmax(0,12rem)_minmax(0,8rem)_minmax(0,10rem)_minmax(0,9rem)_auto]"
              : "lg:grid-cols-[minmax(0,1fr)_minmax(0,14rem)_minmax(0,9rem)_minmax(0,10rem)_auto]"
          }
          canClear={hasFilter || sort !== "newest"}
          formErrors={errors._form}
        >
          <TextField
            label="Search"
            name="q"
            type="search"
            defaultValue={raw.q ?? ""}
            placeholder="Comment, author, or address"
            error={errors.q}
            hint="An address or network finds the entries inside it."
          />
          <TextField
            label="Covers address"
            name="covers"
            defaultValue={raw.covers ?? ""}
            placeholder="203.0.113.7"
            spellCheck={false}
            autoComplete="off"
            error={errors.covers}
            hint="Which entries apply to this address."
          />
          <SelectField label="Status" name="status" defaultValue={status} error={errors.status}>
            <option value="all">All</option>
            <option value="active">Active</option>
            <option value="expired">Expired</option>
          </SelectField>
          {scopeChoice ? (
            <SelectField label="Scope" name="scope" defaultValue={raw.scope ?? ""} error={errors.scope}>
              <option value="">Any</option>
              {TRUST_SCOPES.map((scope) => (
                <option key={scope} value={scope}>
                  {TRUST_SCOPE_INFO[scope].label}
                </option>
              ))}
            </SelectField>
          ) : null}
          <SelectField label="Order" name="sort" defaultValue={sort} error={errors.sort}>
            <option value="newest">Newest first</option>
            <option value="network">By network</option>
          </SelectField>
        </FilterForm>

        <EntryTable
          target={target}
          items={page.items.map(toEntryRow)}
          canWrite={canWrite}
          filter={{ q: query?.q, covers: query?.covers?.canonical, status: query?.status ?? "all", scope: query?.scope }}
          scopeChoice={scopeChoice}
          listName={words.name}
          otherListName={other === null ? null : `the ${other}`}
          emptyState={emptyState}
        />

        <Pager
          previousHref={page.prevCursor ? pageHref(target, { ...keep, cursor: page.prevCursor }) : null}
          nextHref={page.nextCursor ? pageHref(target, { ...keep, cursor: page.nextCursor }) : null}
        />
      </section>
    </div>
  );
}
