import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { NavIcon } from "@/components/shell/nav-icon";
import { Alert } from "@/components/ui/alert";
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
import { listCallRecords, type CallRecordPage } from "@/lib/db/queries/call-records";
import { listNodes } from "@/lib/db/queries/nodes";
import { isAppError } from "@/lib/errors";
import type { CallDisposition } from "@/lib/generated/prisma/enums";
import { callRecordListSchema } from "@/lib/validation/call-records";

export const metadata: Metadata = { title: "Calls" };

type SearchParams = Record<string, string | string[] | undefined>;

const PATH = "/calls";
const COLUMNS = 6;

const DISPOSITIONS: Record<CallDisposition, { label: string; tone: BadgeTone }> = {
  ANSWERED: { label: "Answered", tone: "success" },
  NO_ANSWER: { label: "No answer", tone: "neutral" },
  BUSY: { label: "Busy", tone: "neutral" },
  FAILED: { label: "Failed", tone: "danger" },
  CONGESTION: { label: "Congestion", tone: "warning" },
};

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

// Read-only: the records the collector stored from each node's Master.csv. Tenant administrators never get here
// (nodes:read): account codes are not tied to tenants yet, so no tenant may see any account's calls.
export default async function CallsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("nodes:read");
  const caller = callerFromUser(user, getClientIp(await headers()));

  const params = await searchParams;
  const raw = { nodeId: first(params.nodeId), accountCode: first(params.accountCode), cursor: first(params.cursor) };
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
  const nodes = await listNodes(caller);
  const nodeNames = new Map(nodes.map((node) => [node.id, node.name]));
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
      <PageHeader title="Calls" description="The calls your nodes' Asterisk recorded, newest first, as the collector stored them." />
      <Alert tone="warning" className="mb-6" data-testid="calls-not-enforced">
        Call-cost limits are not enforced yet; these are the calls the nodes&apos; Asterisk recorded.
      </Alert>
      <section aria-labelledby="calls-heading" className="space-y-4">
        <h2 id="calls-heading" className="sr-only">
          Call records
        </h2>
        <FilterForm
          action={PATH}
          label="Filter calls"
          columnsClassName="lg:grid-cols-[minmax(0,14rem)_minmax(0,1fr)_auto]"
          canClear={hasFilter}
          formErrors={errors._form}
        >
          <SelectField label="Node" name="nodeId" defaultValue={raw.nodeId ?? ""} error={errors.nodeId}>
            <option value="">All nodes</option>
            {nodes.map((node) => (
              <option key={node.id} value={node.id}>
                {node.name}
              </option>
            ))}
          </SelectField>
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
          </DataTableHead>
          <DataTableBody>
            {page.items.length === 0 ? (
              <DataTableEmptyRow colSpan={COLUMNS}>{emptyState}</DataTableEmptyRow>
            ) : (
              page.items.map((call) => {
                const disposition = DISPOSITIONS[call.disposition];
                return (
                  <DataTableRow key={call.id} data-call-id={call.id}>
                    <DataTableCell>
                      <UtcTime date={call.startedAt} />
                    </DataTableCell>
                    <DataTableCell>{nodeNames.get(call.nodeId) ?? "Unknown node"}</DataTableCell>
                    <DataTableCell isMono>{call.accountCode || <span className="text-slate-500 dark:text-slate-400">None</span>}</DataTableCell>
                    <DataTableCell isMono>
                      {call.source || "—"} → {call.destination || "—"}
                    </DataTableCell>
                    <DataTableCell>
                      <Badge tone={disposition.tone}>{disposition.label}</Badge>
                    </DataTableCell>
                    <DataTableCell align="right">
                      {call.billSeconds} / {call.durationSeconds}
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
