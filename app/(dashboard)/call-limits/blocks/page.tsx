import type { Metadata } from "next";
import Link from "next/link";
import { NavIcon } from "@/components/shell/nav-icon";
import { Badge } from "@/components/ui/badge";
import { buttonClassName } from "@/components/ui/button";
import { DataTable, DataTableBody, DataTableCell, DataTableEmptyRow, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { SelectField } from "@/components/ui/field";
import { FilterForm } from "@/components/ui/filter-form";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { UtcTime } from "@/components/ui/utc-time";
import { toFieldErrors } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { listExtensionBlocks, type ExtensionBlockPage } from "@/lib/db/queries/extension-blocks";
import { isAppError } from "@/lib/errors";
import { extensionBlockListSchema } from "@/lib/validation/extension-blocks";
import { LiftBlockButton } from "./_components/lift-block-button";

export const metadata: Metadata = { title: "Blocked extensions" };

type SearchParams = Record<string, string | string[] | undefined>;

const PATH = "/call-limits/blocks";
const COLUMNS = 7;

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === "" ? undefined : v;
}

function pageHref(query: Partial<Record<"open" | "cursor", string | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== "") params.set(key, value);
  const search = params.toString();
  return `${PATH}${search ? `?${search}` : ""}`;
}

const muted = (text: string) => <span className="text-slate-500 dark:text-slate-400">{text}</span>;

// The extensions the call guard blocked for abuse, open blocks first. Tenant administrators see (and lift) only
// their tenant's; the data layer applies that, and the lift action checks bans:write again.
export default async function BlockedExtensionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("calls:read");
  const caller = callerFromUser(user);
  const canLift = hasPermission(user.role, "bans:write");

  const params = await searchParams;
  const raw = { open: first(params.open), cursor: first(params.cursor) };
  const parsed = extensionBlockListSchema.safeParse(raw);
  let errors: Record<string, string[]> = parsed.success ? {} : toFieldErrors(parsed.error);
  let page: ExtensionBlockPage = { items: [], nextCursor: null };
  if (parsed.success) {
    try {
      page = await listExtensionBlocks(caller, parsed.data);
    } catch (error) {
      if (!isAppError(error) || error.code !== "VALIDATION") throw error;
      errors = error.fieldErrors ?? { _form: [error.message] };
    }
  }
  const keep = { open: raw.open };
  const isOpenOnly = raw.open === "true";
  const firstPage = (
    <Link href={pageHref(keep)} className={buttonClassName({ variant: "secondary" })}>
      First page
    </Link>
  );

  const emptyState = errors.open ? (
    <EmptyState isFramed={false} as="h3" title="Nothing to show" description="Correct the filter above to see blocks." />
  ) : errors.cursor ? (
    <EmptyState isFramed={false} as="h3" title="This page link is out of date" description={errors.cursor[0]} action={firstPage} />
  ) : raw.cursor ? (
    <EmptyState isFramed={false} as="h3" title="No more blocks" description="This was the last page." action={firstPage} />
  ) : (
    <EmptyState
      isFramed={false}
      as="h3"
      icon={<NavIcon name="blocklist" />}
      title={isOpenOnly ? "No extension is blocked" : "No extension was ever blocked"}
      description="The call guard blocks an extension that calls one international number too often (abuse detection under Call limits); the block shows here until someone lifts it."
    />
  );

  return (
    <>
      <PageHeader
        title="Blocked extensions"
        description="Extensions the call guard blocked for calling one international number too often. A block holds on every node until it is lifted here, with the API or with rampart extension unblock."
      />
      <section aria-labelledby="blocks-heading" className="space-y-4">
        <h2 id="blocks-heading" className="sr-only">
          Extension blocks
        </h2>
        <FilterForm action={PATH} label="Filter blocks" columnsClassName="lg:grid-cols-[minmax(0,14rem)_auto]" canClear={raw.open !== undefined} formErrors={errors._form}>
          <SelectField label="Show" name="open" defaultValue={raw.open ?? ""} error={errors.open}>
            <option value="">All blocks, open first</option>
            <option value="true">Open blocks only</option>
          </SelectField>
        </FilterForm>

        <DataTable label="Extension blocks">
          <DataTableHead>
            <DataTableHeaderCell>Extension</DataTableHeaderCell>
            <DataTableHeaderCell>Tenant</DataTableHeaderCell>
            <DataTableHeaderCell>Number called</DataTableHeaderCell>
            <DataTableHeaderCell>Node</DataTableHeaderCell>
            <DataTableHeaderCell>Blocked (UTC)</DataTableHeaderCell>
            <DataTableHeaderCell>Lifted (UTC)</DataTableHeaderCell>
            <DataTableHeaderCell align="right">
              <span className="sr-only">Actions</span>
            </DataTableHeaderCell>
          </DataTableHead>
          <DataTableBody>
            {page.items.length === 0 ? (
              <DataTableEmptyRow colSpan={COLUMNS}>{emptyState}</DataTableEmptyRow>
            ) : (
              page.items.map((block) => (
                <DataTableRow key={block.id} data-block-id={block.id}>
                  <DataTableCell isMono>{block.extension}</DataTableCell>
                  <DataTableCell>
                    {block.tenantName ?? muted("No tenant")}
                    <span className="block font-mono text-xs text-slate-500 dark:text-slate-400">{block.accountCode}</span>
                  </DataTableCell>
                  <DataTableCell isMono>{block.number}</DataTableCell>
                  <DataTableCell>{block.nodeName ?? muted("Removed node")}</DataTableCell>
                  <DataTableCell>
                    <UtcTime date={block.blockedAt} />
                  </DataTableCell>
                  <DataTableCell>
                    {block.liftedAt === null ? (
                      <Badge tone="danger">Blocked</Badge>
                    ) : (
                      <>
                        <Badge tone="neutral">Lifted</Badge> <UtcTime date={block.liftedAt} />
                        <span className="block text-xs text-slate-500 dark:text-slate-400">by {block.liftedBy ?? "unknown"}</span>
                      </>
                    )}
                  </DataTableCell>
                  <DataTableCell align="right">{canLift ? <LiftBlockButton block={block} /> : null}</DataTableCell>
                </DataTableRow>
              ))
            )}
          </DataTableBody>
        </DataTable>

        <Pager previousHref={raw.cursor ? pageHref(keep) : null} nextHref={page.nextCursor ? pageHref({ ...keep, cursor: page.nextCursor }) : null} />
      </section>
    </>
  );
}
