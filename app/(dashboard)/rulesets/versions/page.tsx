import type { Metadata } from "next";
import Link from "next/link";
import { NavIcon } from "@/components/shell/nav-icon";
import { Alert } from "@/components/ui/alert";
import { ButtonLink, SubmitButton } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DataTable, DataTableBody, DataTableCell, DataTableEmptyRow, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { UtcTime } from "@/components/ui/utc-time";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { listNodes } from "@/lib/db/queries/nodes";
import { diffRulesetVersions, listRulesetVersions, type RulesetVersionDiff, type RulesetVersionPage } from "@/lib/db/queries/ruleset-versions";
import { isAppError } from "@/lib/errors";
import { formatInstant } from "@/lib/format/instant";
import { versionPageSchema } from "@/lib/validation/ruleset-versions";
import { RollbackVersion } from "./_components/rollback-version";

export const metadata: Metadata = { title: "Ruleset versions" };
export const dynamic = "force-dynamic";

const PATH = "/rulesets/versions";
const COMPARE_FORM = "compare-versions";

type SearchParams = Record<string, string | string[] | undefined>;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const all = (value: string | string[] | undefined) => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function pageHref(query: { cursor?: string | null; v?: string[] }): string {
  const params = new URLSearchParams();
  if (query.cursor) params.set("cursor", query.cursor);
  for (const hash of query.v ?? []) params.append("v", hash);
  const search = params.toString();
  return `${PATH}${search ? `?${search}` : ""}`;
}

/** The comparison the query asks for: two versions (`v` twice), compared older → newer. */
async function loadComparison(caller: ReturnType<typeof callerFromUser>, picked: string[]): Promise<{ diff: RulesetVersionDiff | null; error: string | null }> {
  if (picked.length === 0) return { diff: null, error: null };
  if (picked.length !== 2 || picked[0] === picked[1]) return { diff: null, error: "Choose two different versions to compare." };
  try {
    return { diff: await diffRulesetVersions(caller, picked[0]!, picked[1]!, { isOldestFirst: true }), error: null };
  } catch (error) {
    if (isAppError(error) && (error.code === "NOT_FOUND" || error.code === "VALIDATION")) return { diff: null, error: error.message };
    throw error;
  }
}

function Comparison({ diff }: { diff: RulesetVersionDiff }) {
  const n = (value: number) => value.toLocaleString("en");
  return (
    <Card className="mb-6">
      <CardHeader
        title={
          <>
            Changes from <code className="font-mono text-base">{diff.from.shortHash}</code> to <code className="font-mono text-base">{diff.to.shortHash}</code>
          </>
        }
        description={
          diff.files.length === 0
            ? "No artefact differs by a line (the manifest aside)."
            : `${n(diff.addedCount)} lines added, ${n(diff.removedCount)} removed, in ${diff.files.length} artefact${diff.files.length === 1 ? "" : "s"}. ` +
              `${diff.from.shortHash} was stored ${formatInstant(diff.from.createdAt)}, ${diff.to.shortHash} ${formatInstant(diff.to.createdAt)}.`
        }
        actions={
          <ButtonLink href={PATH} variant="secondary" size="sm">
            Close comparison
          </ButtonLink>
        }
      />
      {diff.files.length > 0 ? (
        <CardBody className="space-y-4">
          {diff.files.map((file) => (
            <section key={file.path} aria-label={`Changes in ${file.path}`}>
              <h3 className="font-mono text-sm font-semibold">
                {file.path}{" "}
                <span className="font-sans font-normal text-slate-600 dark:text-slate-400">
                  {n(file.addedCount)} added, {n(file.removedCount)} removed
                </span>
              </h3>
              <pre className="mt-2 max-h-72 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs leading-5 dark:bg-slate-950">
                {file.removed.map((line, i) => (
                  <div key={`r${i}`} className="text-red-700 dark:text-red-300">
                    - {line}
                  </div>
                ))}
                {file.added.map((line, i) => (
                  <div key={`a${i}`} className="text-emerald-700 dark:text-emerald-300">
                    + {line}
                  </div>
                ))}
              </pre>
              {file.isTruncated ? (
                <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
                  The first {n(diff.lineLimit)} added and removed lines are shown; the counts are complete.
                </p>
              ) : null}
            </section>
          ))}
        </CardBody>
      ) : null}
    </Card>
  );
}

export default async function RulesetVersionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("policy:read");
  const caller = callerFromUser(user);
  const canPush = hasPermission(user.role, "deploy");
  const params = await searchParams;
  const cursor = first(params.cursor);
  const picked = all(params.v).slice(0, 3);

  const paging = versionPageSchema.safeParse({ cursor });
  let notice: string | null = paging.success ? null : "That page link is no longer valid, so the newest versions are shown.";
  let page: RulesetVersionPage;
  try {
    page = await listRulesetVersions(caller, paging.success ? paging.data : versionPageSchema.parse({}));
  } catch (error) {
    if (!(isAppError(error) && error.code === "VALIDATION")) throw error;
    notice = "That page link is no longer valid, so the newest versions are shown.";
    page = await listRulesetVersions(caller, versionPageSchema.parse({}));
  }
  const comparison = await loadComparison(caller, picked);
  const nodeNames = canPush ? (await listNodes(caller)).filter((node) => node.enabled).map((node) => node.name) : [];
  const keepCursor = paging.success ? paging.data.cursor : undefined;

  return (
    <>
      <PageHeader
        title="Ruleset versions"
        description="Every ruleset version a push stored, newest first: who stored it, what changed against the version stored before it, and which nodes run it now. Times are in UTC."
        actions={
          <ButtonLink href="/rulesets" variant="secondary">
            Current ruleset
          </ButtonLink>
        }
      />

      {notice ? (
        <Alert tone="warning" className="mb-4">
          {notice}
        </Alert>
      ) : null}
      {comparison.error ? (
        <Alert tone="error" className="mb-4">
          {comparison.error}
        </Alert>
      ) : null}
      {comparison.diff ? <Comparison diff={comparison.diff} /> : null}

      {page.items.length > 0 ? (
        <form id={COMPARE_FORM} method="get" action={PATH} className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {keepCursor ? <input type="hidden" name="cursor" value={keepCursor} /> : null}
          <p className="text-sm text-slate-600 dark:text-slate-400">Tick two versions to compare them, or compare a version with the one stored before it.</p>
          <SubmitButton isPending={false} variant="secondary" size="sm">
            Compare selected
          </SubmitButton>
        </form>
      ) : null}

      <DataTable label="Ruleset versions, newest first">
        <DataTableHead>
          <DataTableHeaderCell>
            <span className="sr-only">Compare</span>
          </DataTableHeaderCell>
          <DataTableHeaderCell>Version</DataTableHeaderCell>
          <DataTableHeaderCell>Stored (UTC)</DataTableHeaderCell>
          <DataTableHeaderCell>Author</DataTableHeaderCell>
          <DataTableHeaderCell>Changes against the previous version</DataTableHeaderCell>
          <DataTableHeaderCell>Running on</DataTableHeaderCell>
          {canPush ? (
            <DataTableHeaderCell align="right" isSticky>
              <span className="sr-only">Actions</span>
            </DataTableHeaderCell>
          ) : null}
        </DataTableHead>
        <DataTableBody>
          {page.items.length === 0 ? (
            <DataTableEmptyRow colSpan={canPush ? 7 : 6}>
              <EmptyState
                as="h3"
                isFramed={false}
                icon={<NavIcon name="rulesets" />}
                title="No ruleset version stored yet"
                description="A push renders the policy for each node and stores the result as an immutable version; the versions appear here, ready to compare or to roll back to."
                action={
                  canPush ? (
                    <ButtonLink href="/nodes" variant="secondary">
                      Go to Nodes to push
                    </ButtonLink>
                  ) : undefined
                }
              />
            </DataTableEmptyRow>
          ) : (
            page.items.map((version) => (
              <DataTableRow key={version.hash}>
                <DataTableCell>
                  <input
                    type="checkbox"
                    form={COMPARE_FORM}
                    name="v"
                    value={version.hash}
                    defaultChecked={picked.includes(version.hash)}
                    aria-label={`Select ${version.shortHash} to compare`}
                    className="size-4 accent-brand-600"
                  />
                </DataTableCell>
                <DataTableCell>
                  <code className="font-mono text-[0.8125rem]" title={version.hash}>
                    {version.shortHash}
                  </code>
                </DataTableCell>
                <DataTableCell>
                  <UtcTime date={version.createdAt} isStacked />
                </DataTableCell>
                <DataTableCell>{version.author}</DataTableCell>
                <DataTableCell className="max-w-md whitespace-normal">
                  <span className="block">{version.summary}</span>
                  {version.previousHash ? (
                    <Link
                      href={pageHref({ cursor: keepCursor, v: [version.previousHash, version.hash] })}
                      className="text-xs text-brand-700 underline hover:no-underline dark:text-brand-300"
                      aria-label={`Compare ${version.shortHash} with the previous version`}
                    >
                      Compare with previous
                    </Link>
                  ) : null}
                </DataTableCell>
                <DataTableCell className="max-w-xs whitespace-normal">
                  {version.runningOn.length > 0 ? version.runningOn.join(", ") : <span className="text-slate-500 dark:text-slate-400">No node</span>}
                </DataTableCell>
                {canPush ? (
                  <DataTableCell align="right" isSticky>
                    <RollbackVersion
                      hash={version.hash}
                      shortHash={version.shortHash}
                      storedAt={formatInstant(version.createdAt)}
                      author={version.author}
                      nodeNames={nodeNames}
                      runningOn={version.runningOn}
                    />
                  </DataTableCell>
                ) : null}
              </DataTableRow>
            ))
          )}
        </DataTableBody>
      </DataTable>

      <div className="mt-3">
        <Pager
          previousHref={page.prevCursor ? pageHref({ cursor: page.prevCursor }) : null}
          nextHref={page.nextCursor ? pageHref({ cursor: page.nextCursor }) : null}
        />
      </div>
    </>
  );
}
