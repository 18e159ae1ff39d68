import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { NavIcon } from "@/components/shell/nav-icon";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { buttonClassName } from "@/components/ui/button";
import { DataTable, DataTableBody, DataTableCell, DataTableEmptyRow, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterForm } from "@/components/ui/filter-form";
import { SelectField, TextField } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { UtcTime } from "@/components/ui/utc-time";
import { toFieldErrors } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { listCallRecords, type CallRecordPage } from "@/lib/db/queries/call-records";
import { listNodes } from "@/lib/db/queries/nodes";
import { isAppError } from "@/lib/errors";
import type { CallDisposition, CallGuardOutcome } from "@/lib/generated/prisma/enums";
import { guardReasonText } from "@/lib/format/guard-reason";
import { callRecordListSchema } from "@/lib/validation/call-records";
import { formatMoney } from "@/lib/validation/call-limits";

export const metadata: Metadata = { title: "Calls" };

type SearchParams = Record<string, string | string[] | undefined>;

const PATH = "/calls";
const COLUMNS = 9;

const DISPOSITIONS: Record<CallDisposition, { label: string; tone: BadgeTone }> = {
  ANSWERED: { label: "Answered", tone: "success" },
  NO_ANSWER: { label: "No answer", tone: "neutral" },
  BUSY: { label: "Busy", tone: "neutral" },
  FAILED: { label: "Failed", tone: "danger" },
  CONGESTION: { label: "Congestion", tone: "warning" },
};

const GUARD_OUTCOMES: Record<CallGuardOutcome, { label: string; tone: BadgeTone }> = {
  ALLOW: { label: "Allowed", tone: "success" },
  REFUSE: { label: "Refused", tone: "danger" },
  BLOCK: { label: "Blocked", tone: "danger" },
};

const muted = (text: string) => <span className="text-slate-500 dark:text-slate-400">{text}</span>;

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === "" ? undefined : v;
}

function pageHref(query: Partial<Record<"nodeId" | "accountCode" | "cursor", string | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== "") params.set(key, value);
  const search = params.toString();
  return `${PATH}${search ? `?${search}` : ""}`;
}

// Read-only: the records the collector stored from each node's Master.csv, with the call guard's decision. A tenant
// administrator sees only the tenant's account code (the data layer applies it) and filters by account code only:
// the node list is not theirs to read.
export default async function CallsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("calls:read");
  const caller = callerFromUser(user, getClientIp(await headers()));
  const canFilterByNode = hasPermission(user.role, "nodes:read");

  const params = await searchParams;
  const raw = { nodeId: canFilterByNode ? first(params.nodeId) : undefined, accountCode: first(params.accountCode), cursor: first(params.cursor) };
  const parsed = callRecordListSchema.safeParse(raw);
  let errors: Record<string, string[]> = parsed.success ? {} : toFieldErrors(parsed.error);
  let page: CallRecordPage = { items: [], nextCursor: null };
  if (parsed.success) {
    try {
      page = await listCallRecords(caller, parsed.data);
    } catch (error) {
      if (!isAppError(error) || error.code !== "VALIDATION") throw error;
      errors = error.fieldErrors ?? { _form: [error.message] };
    }
  }
  const nodes = canFilterByNode ? await listNodes(caller) : [];
  const keep = { nodeId: raw.nodeId, accountCode: raw.accountCode };
  const hasFilter = Boolean(raw.nodeId || raw.accountCode);
  const firstPage = (
    <Link href={pageHref(keep)} className={buttonClassName({ variant: "secondary" })}>
      First page
    </Link>
  );

  const hasInputError = Object.keys(errors).some((key) => key !== "cursor");
  const emptyState = hasInputError ? (
    <EmptyState isFramed={false} as="h3" title="Nothing to show" description="Correct the search fields above to see calls." />
  ) : errors.cursor ? (
    <EmptyState isFramed={false} as="h3" title="This page link is out of date" description={errors.cursor[0]} action={firstPage} />
  ) : hasFilter ? (
    <EmptyState
      isFramed={false}
      as="h3"
      title="No calls match"
      description="No stored call has this node and account code. Change the filters or clear them to see every call."
      action={
        <Link href={PATH} className={buttonClassName({ variant: "secondary" })}>
          Clear filters
        </Link>
      }
    />
  ) : raw.cursor ? (
    <EmptyState isFramed={false} as="h3" title="No older calls" description="This was the last page." action={firstPage} />
  ) : (
    <EmptyState
      isFramed={false}
      as="h3"
      icon={<NavIcon name="calls" />}
      title="No calls recorded yet"
      description="The collector reads each node's Asterisk call records (Master.csv) on every poll; calls appear here once a node has written some."
    />
  );

  return (
    <>
      <PageHeader
        title="Calls"
        description="The calls your nodes' Asterisk recorded, newest first, with the call guard's decision: for a refused or blocked call, why; for an allowed one, what it cost."
      />
      <section aria-labelledby="calls-heading" className="space-y-4">
        <h2 id="calls-heading" className="sr-only">
          Call records
        </h2>
        <FilterForm
          action={PATH}
          label="Filter calls"
          columnsClassName={canFilterByNode ? "lg:grid-cols-[minmax(0,14rem)_minmax(0,1fr)_auto]" : "lg:grid-cols-[minmax(0,1fr)_auto]"}
          canClear={hasFilter}
          formErrors={errors._form}
        >
          {canFilterByNode ? (
            <SelectField label="Node" name="nodeId" defaultValue={raw.nodeId ?? ""} error={errors.nodeId}>
              <option value="">All nodes</option>
              {nodes.map((node) => (
                <option key={node.id} value={node.id}>
                  {node.name}
                </option>
              ))}
            </SelectField>
          ) : null}
          <TextField
            label="Account code"
            name="accountCode"
            type="search"
            defaultValue={raw.accountCode ?? ""}
            spellCheck={false}
            autoComplete="off"
            error={errors.accountCode}
            hint="Exactly as Asterisk wrote it in the call record."
          />
        </FilterForm>

        <DataTable label="Call records">
          <DataTableHead>
            <DataTableHeaderCell>Started (UTC)</DataTableHeaderCell>
            <DataTableHeaderCell>Node</DataTableHeaderCell>
            <DataTableHeaderCell>Account code</DataTableHeaderCell>
            <DataTableHeaderCell>Source → destination</DataTableHeaderCell>
            <DataTableHeaderCell>Disposition</DataTableHeaderCell>
            <DataTableHeaderCell align="right">Billed / duration (s)</DataTableHeaderCell>
            <DataTableHeaderCell>Guard</DataTableHeaderCell>
            <DataTableHeaderCell>Extension</DataTableHeaderCell>
            <DataTableHeaderCell align="right">Cost</DataTableHeaderCell>
          </DataTableHead>
          <DataTableBody>
            {page.items.length === 0 ? (
              <DataTableEmptyRow colSpan={COLUMNS}>{emptyState}</DataTableEmptyRow>
            ) : (
              page.items.map((call) => {
                const disposition = DISPOSITIONS[call.disposition];
                const outcome = call.guardOutcome === null ? null : GUARD_OUTCOMES[call.guardOutcome];
                return (
                  <DataTableRow key={call.id} data-call-id={call.id}>
                    <DataTableCell>
                      <UtcTime date={call.startedAt} />
                    </DataTableCell>
                    <DataTableCell>{call.nodeName}</DataTableCell>
                    <DataTableCell isMono>{call.accountCode || muted("None")}</DataTableCell>
                    <DataTableCell isMono>
                      {call.source || "—"} → {call.destination || "—"}
                    </DataTableCell>
                    <DataTableCell>
                      <Badge tone={disposition.tone}>{disposition.label}</Badge>
                    </DataTableCell>
                    <DataTableCell align="right">
                      {call.billSeconds} / {call.durationSeconds}
                    </DataTableCell>
                    <DataTableCell data-testid="call-guard">
                      {outcome === null ? (
                        muted("Not decided")
                      ) : (
                        <>
                          <Badge tone={outcome.tone}>{outcome.label}</Badge>
                          {call.guardReason !== null ? (
                            <span className="mt-1 block text-xs whitespace-normal text-slate-600 dark:text-slate-400">{guardReasonText(call.guardReason)}</span>
                          ) : null}
                        </>
                      )}
                    </DataTableCell>
                    <DataTableCell isMono>{call.guardExtension ?? muted("—")}</DataTableCell>
                    <DataTableCell align="right" data-testid="call-cost">
                      {call.cost !== null && call.currency !== null ? formatMoney(call.cost, call.currency) : muted("—")}
                    </DataTableCell>
                  </DataTableRow>
                );
              })
            )}
          </DataTableBody>
        </DataTable>

        <Pager previousHref={raw.cursor ? pageHref(keep) : null} nextHref={page.nextCursor ? pageHref({ ...keep, cursor: page.nextCursor }) : null} />
      </section>
    </>
  );
}
