import type { Metadata } from "next";
import { NavIcon } from "@/components/shell/nav-icon";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { DataTable, DataTableBody, DataTableEmptyRow, DataTableHead, DataTableHeaderCell } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { toFieldErrors } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { listAuditFilterOptions, listAuditLog, type AuditLogItem, type AuditLogPage } from "@/lib/db/queries/audit-log";
import { isAppError } from "@/lib/errors";
import { auditFilterSchema, auditPageSchema } from "@/lib/validation/audit-log";
import { AuditFilters, type AuditFilterValues } from "./_components/audit-filters";
import { AuditRows, type AuditRowData } from "./_components/audit-rows";
import { countChanges, diffAuditValues } from "./_lib/diff";

export const metadata: Metadata = { title: "Audit log" };

type SearchParams = Record<string, string | string[] | undefined>;

const FILTER_KEYS = ["actor", "action", "objectType", "objectId", "from", "to"] as const;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);


/** A bound as a datetime-local value (UTC, to the second). */
const toInputValue = (date: Date | undefined) => (date ? date.toISOString().slice(0, 19) : "");

function toRow(item: AuditLogItem): AuditRowData {
  const diff = diffAuditValues(item.before, item.after);
  const iso = item.at.toISOString();
  return {
    id: item.id,
    date: iso.slice(0, 10),
    time: `${iso.slice(11, 19)} UTC`,
    isoTime: iso,
    actorType: item.actorType,
    actorLabel: item.actorLabel,
    ip: item.ip,
    action: item.action,
    objectType: item.objectType,
    objectId: item.objectId,
    diff,
    changeCount: countChanges(diff),
    kind: item.before !== null && item.after !== null ? "change" : "values",
  };
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("audit:read");
  const caller = callerFromUser(user);
  const query = await searchParams;
  const raw = Object.fromEntries(FILTER_KEYS.map((key) => [key, first(query[key])])) as Record<(typeof FILTER_KEYS)[number], string | undefined>;
  const filter = auditFilterSchema.safeParse(raw);
  const paging = auditPageSchema.safeParse({ cursor: first(query.cursor), direction: first(query.direction) });
  const isFiltered = FILTER_KEYS.some((key) => Boolean(raw[key]?.trim()));

  const suggestions = await listAuditFilterOptions(caller);
  let page: AuditLogPage | null = null;
  let notice: string | null = null;
  if (filter.success) {
    const { cursor, direction } = paging.success ? paging.data : { cursor: undefined, direction: "older" as const };
    try {
      page = await listAuditLog(caller, filter.data, { limit: 50, cursor, direction });
    } catch (error) {
      if (!(isAppError(error) && error.code === "VALIDATION")) throw error;
      notice = "That page link is no longer valid, so the newest entries are shown.";
      page = await listAuditLog(caller, filter.data, { limit: 50 });
    }
    if (!paging.success) notice = "That page link is no longer valid, so the newest entries are shown.";
  }

  const values: AuditFilterValues = filter.success
    ? {
        actor: filter.data.actor ?? "",
        action: filter.data.action ?? "",
        objectType: filter.data.objectType ?? "",
        objectId: filter.data.objectId ?? "",
        from: toInputValue(filter.data.from),
        to: toInputValue(filter.data.to),
      }
    : {
        actor: raw.actor ?? "",
        action: raw.action ?? "",
        objectType: raw.objectType ?? "",
        objectId: raw.objectId ?? "",
        from: raw.from ?? "",
        to: raw.to ?? "",
      };

  const pageLink = (cursor: string, direction: "older" | "newer") => {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (raw[key]) params.set(key, raw[key]!);
    params.set("cursor", cursor);
    params.set("direction", direction);
    return `/audit?${params.toString()}`;
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to the policy, users, tokens, tenants and settings: who made it, when, and what it was before and after. Times are in UTC."
      />

      <Card className="mb-6">
        <CardBody>
          <AuditFilters values={values} errors={filter.success ? {} : toFieldErrors(filter.error)} suggestions={suggestions} isFiltered={isFiltered} />
        </CardBody>
      </Card>

      {notice ? (
        <Alert tone="warning" className="mb-4">
          {notice}
        </Alert>
      ) : null}

      {!page ? (
        <Alert tone="error">
          Correct the highlighted filters to see entries.
        </Alert>
      ) : (
        <>
          <DataTable label="Audit entries, newest first">
            <DataTableHead>
              <DataTableHeaderCell>Time (UTC)</DataTableHeaderCell>
              <DataTableHeaderCell>Actor</DataTableHeaderCell>
              <DataTableHeaderCell>Action</DataTableHeaderCell>
              <DataTableHeaderCell>Object</DataTableHeaderCell>
              <DataTableHeaderCell align="right">Before / after</DataTableHeaderCell>
            </DataTableHead>
            <DataTableBody>
              {page.items.length === 0 ? (
                <DataTableEmptyRow colSpan={5}>
                  {isFiltered ? (
                    <EmptyState
                      as="h3"
                      isFramed={false}
                      icon={<NavIcon name="audit" />}
                      title="No entries match these filters"
                      description="Widen the time range, use part of an e-mail, or clear the filters."
                      action={<ButtonLink href="/audit" variant="secondary">Clear filters</ButtonLink>}
                    />
                  ) : (
                    <EmptyState
                      as="h3"
                      isFramed={false}
                      icon={<NavIcon name="audit" />}
                      title="No changes recorded yet"
                      description="Each change made in Rampart, in the dashboard, through the API or the CLI, appears here with who made it and when."
                    />
                  )}
                </DataTableEmptyRow>
              ) : (
                <AuditRows rows={page.items.map(toRow)} />
              )}
            </DataTableBody>
          </DataTable>
          {page.newerCursor || page.olderCursor ? (
            <nav aria-label="Audit log pages" className="mt-3 flex flex-wrap justify-between gap-2">
              <div className="flex gap-2">
                {page.newerCursor ? (
                  <>
                    <ButtonLink href={pageLink(page.newerCursor, "newer")} variant="secondary" size="sm">
                      ← Newer
                    </ButtonLink>
                  </>
                ) : null}
              </div>
              <div className="flex gap-2">
                {page.olderCursor ? (
                  <ButtonLink href={pageLink(page.olderCursor, "older")} variant="secondary" size="sm">
                    Older →
                  </ButtonLink>
                ) : null}
              </div>
            </nav>
          ) : null}
        </>
      )}
    </>
  );
}
