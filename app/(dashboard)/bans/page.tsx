import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { NavIcon } from "@/components/shell/nav-icon";
import { buttonClassName } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterForm } from "@/components/ui/filter-form";
import { SelectField, TextField } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { toFieldErrors } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission, isTenantScoped } from "@/lib/auth/permissions";
import { listBanFilterOptions, listBans, type BanPage } from "@/lib/db/queries/bans";
import { isAppError } from "@/lib/errors";
import { banListQuerySchema } from "@/lib/validation/bans";
import { BanTable } from "./_components/ban-table";
import { toBanRow } from "./_components/ban-row";

export const metadata: Metadata = { title: "Bans" };

type SearchParams = Record<string, string | string[] | undefined>;

const PATH = "/bans";

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === "" ? undefined : v;
}

function pageHref(query: Partial<Record<"q" | "country" | "jail" | "node" | "sort" | "cursor", string | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === "" || (key === "sort" && value === "bannedAt")) continue;
    params.set(key, value);
  }
  const search = params.toString();
  return `${PATH}${search ? `?${search}` : ""}`;
}

export default async function BansPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("bans:read");
  const caller = callerFromUser(user, getClientIp(await headers()));
  const isOwnTenantOnly = isTenantScoped(user.role);
  const canUnban = hasPermission(user.role, "bans:write");
  const canList = hasPermission(user.role, "policy:write");

  const params = await searchParams;
  const raw = { q: first(params.q), country: first(params.country), jail: first(params.jail), node: first(params.node), sort: first(params.sort), cursor: first(params.cursor) };
  const parsed = banListQuerySchema.safeParse(raw);
  let errors: Record<string, string[]> = parsed.success ? {} : toFieldErrors(parsed.error);
  let page: BanPage = { items: [], nextCursor: null, prevCursor: null };
  if (parsed.success) {
    try {
      page = await listBans(caller, parsed.data);
    } catch (error) {
      if (!isAppError(error) || error.code !== "VALIDATION") throw error;
      errors = error.fieldErrors ?? { _form: [error.message] };
    }
  }
  const options = await listBanFilterOptions(caller);
  const sort = raw.sort ?? "bannedAt";
  const keep = { q: raw.q, country: raw.country, jail: raw.jail, node: raw.node, sort };
  const hasFilter = Boolean(raw.q || raw.country || raw.jail || raw.node);
  const firstPage = (
    <Link href={pageHref(keep)} className={buttonClassName({ variant: "secondary" })}>
      First page
    </Link>
  );

  const hasInputError = Object.keys(errors).some((key) => key !== "cursor");
  const emptyState = hasInputError ? (
    <EmptyState isFramed={false} as="h3" title="Nothing to show" description="Correct the search fields above to see bans." />
  ) : errors.cursor ? (
    <EmptyState isFramed={false} as="h3" title="This page link is out of date" description={errors.cursor[0]} action={firstPage} />
  ) : hasFilter ? (
    <EmptyState
      isFramed={false}
      as="h3"
      title="No current bans match"
      description="Change the filters or clear them to see every banned address."
      action={
        <Link href={PATH} className={buttonClassName({ variant: "secondary" })}>
          Clear filters
        </Link>
      }
    />
  ) : raw.cursor ? (
    <EmptyState isFramed={false} as="h3" title="No more bans" description="The bans of this page ended meanwhile." action={firstPage} />
  ) : (
    <EmptyState
      isFramed={false}
      as="h3"
      icon={<NavIcon name="bans" />}
      title="No address is banned right now"
      description="When a node's fail2ban bans an address, it appears here within one poll, with the jail, the node and the time left."
    />
  );

  return (
    <>
      <PageHeader
        title="Bans"
        description={
          isOwnTenantOnly
            ? "Addresses inside your tenant's IP restrictions that are banned on the cluster right now, with the jail, the node and when each ban ends."
            : "Addresses banned on your nodes right now, grouped per address across nodes, with the jail, the node and when each ban ends."
        }
      />
      <section aria-labelledby="bans-heading" className="space-y-4">
        <h2 id="bans-heading" className="sr-only">
          Banned addresses
        </h2>
        <FilterForm
          action={PATH}
          label="Filter bans"
          columnsClassName="lg:grid-cols-[minmax(0,1fr)_minmax(0,4.5rem)_minmax(0,10rem)_minmax(0,10rem)_minmax(0,11.5rem)_auto]"
          canClear={hasFilter || sort !== "bannedAt"}
          formErrors={errors._form}
        >
          <TextField
            label="Address or network"
            name="q"
            type="search"
            defaultValue={raw.q ?? ""}
            placeholder="198.18.0.0/16"
            spellCheck={false}
            autoComplete="off"
            error={errors.q}
            hint="A network finds every banned address inside it."
          />
          <TextField label="Country" name="country" defaultValue={raw.country ?? ""} placeholder="DE" maxLength={2} list="ban-countries" autoComplete="off" error={errors.country} />
          <datalist id="ban-countries">
            {options.countries.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          <SelectField label="Jail" name="jail" defaultValue={raw.jail ?? ""} error={errors.jail}>
            <option value="">All jails</option>
            {options.jails.map((jail) => (
              <option key={jail} value={jail}>
                {jail}
              </option>
            ))}
          </SelectField>
          <SelectField label="Node" name="node" defaultValue={raw.node ?? ""} error={errors.node}>
            <option value="">All nodes</option>
            {options.nodes.map((node) => (
              <option key={node.id} value={node.id}>
                {node.name}
              </option>
            ))}
          </SelectField>
          <SelectField label="Order" name="sort" defaultValue={sort} error={errors.sort}>
            <option value="bannedAt">Latest ban first</option>
            <option value="lastSeen">Last seen first</option>
            <option value="address">By address</option>
          </SelectField>
        </FilterForm>

        <BanTable items={page.items.map(toBanRow)} nodes={options.nodes} canUnban={canUnban} canList={canList} emptyState={emptyState} />

        <Pager
          previousHref={page.prevCursor ? pageHref({ ...keep, cursor: page.prevCursor }) : null}
          nextHref={page.nextCursor ? pageHref({ ...keep, cursor: page.nextCursor }) : null}
        />
      </section>
    </>
  );
}
