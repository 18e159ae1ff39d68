import type { Caller } from "@/lib/auth/caller";
import {
  approveTenantNetwork,
  getTenantNetworkSettings,
  listPendingTenantNetworks,
  getTenant,
  rejectTenantNetwork,
  updateTenant,
  updateTenantNetworkSettings,
} from "@/lib/db/queries/tenants";
import { ACCOUNT_CODE_HINT } from "@/lib/validation/call-guard";
import { tenantUpdateSchema } from "@/lib/validation/tenant";
import { parseIntegerText, tenantNetworkSettingsSchema } from "@/lib/validation/settings";
import { getCliActor, UsageError, withDatabase } from "../context";
import { formatZodError } from "../format";
import { printable } from "./lists";
import { resolveTenantId } from "./user";

// `rampart tenant …`: the tenant networks that wait for an administrator's approval, the minimum prefix a
// tenant administrator may store, and a tenant's account code. The same data layer as the dashboard and the API, as the CLI actor (ADMIN).

export const TENANT_HELP = `  tenant pending [--tenant T] [--json]    tenant networks waiting for an administrator's approval (and why)
  tenant approve --tenant T --network CIDR
                                          put a pending tenant network in force (audited)
  tenant reject --tenant T --network CIDR delete a pending tenant network (audited)
  tenant minimums [--ipv4 N] [--ipv6 N]   show, or set, the shortest IPv4/IPv6 prefix a tenant administrator
                                          may store (default /24 and /48)
  tenant account-code --tenant T [--set CODE | --clear]
                                          show, set or clear the Asterisk accountcode of the tenant's endpoints:
                                          the call guard enforces a tenant's call limits only with one (audited)`;

export const tenantPendingOptions = { tenant: { type: "string" }, json: { type: "boolean" } } as const;
export const tenantDecisionOptions = { tenant: { type: "string" }, network: { type: "string" } } as const;
export const tenantMinimumsOptions = { ipv4: { type: "string" }, ipv6: { type: "string" } } as const;
export const tenantAccountCodeOptions = { tenant: { type: "string" }, set: { type: "string" }, clear: { type: "boolean" } } as const;

function cliCaller(): Caller {
  return { role: "ADMIN", tenantId: null, actor: getCliActor() };
}

export async function tenantPending(values: { tenant?: string; json?: boolean }): Promise<void> {
  await withDatabase(async () => {
    const tenantId = (await resolveTenantId(values.tenant)) ?? undefined;
    const items = await listPendingTenantNetworks(cliCaller(), tenantId);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(items)}\n`);
      return;
    }
    if (items.length === 0) {
      console.log("no tenant network is waiting for approval");
      return;
    }
    for (const item of items) {
      console.log(`${printable(item.tenantName)}\t${item.network}\t${printable(item.pendingReason)}\t${printable(item.author)}\t${item.createdAt.toISOString()}`);
    }
  });
}

async function decide(values: { tenant?: string; network?: string }, verb: "approve" | "reject"): Promise<void> {
  if (!values.tenant || !values.network) throw new UsageError(`usage: tenant ${verb} --tenant NAME-OR-ID --network CIDR`);
  const network = values.network;
  await withDatabase(async () => {
    const tenantId = await resolveTenantId(values.tenant);
    if (tenantId === null) throw new UsageError("--tenant is required.");
    const decided = verb === "approve" ? await approveTenantNetwork(cliCaller(), tenantId, { network }) : await rejectTenantNetwork(cliCaller(), tenantId, { network });
    console.log(verb === "approve" ? `approved ${decided.network}: in force from the next push` : `rejected ${decided.network}: deleted`);
  });
}

export const tenantApprove = (values: { tenant?: string; network?: string }) => decide(values, "approve");
export const tenantReject = (values: { tenant?: string; network?: string }) => decide(values, "reject");

export async function tenantMinimums(values: { ipv4?: string; ipv6?: string }): Promise<void> {
  await withDatabase(async () => {
    const caller = cliCaller();
    let settings = await getTenantNetworkSettings(caller);
    if (values.ipv4 !== undefined || values.ipv6 !== undefined) {
      const strip = (text: string) => parseIntegerText(text.trim().replace(/^\//, ""));
      const parsed = tenantNetworkSettingsSchema.safeParse({
        minPrefix4: values.ipv4 !== undefined ? strip(values.ipv4) : settings.minPrefix4,
        minPrefix6: values.ipv6 !== undefined ? strip(values.ipv6) : settings.minPrefix6,
      });
      if (!parsed.success) throw new UsageError(formatZodError(parsed.error));
      settings = await updateTenantNetworkSettings(caller, parsed.data);
    }
    console.log(`tenant administrators may store IPv4 networks of /${settings.minPrefix4} or narrower and IPv6 networks of /${settings.minPrefix6} or narrower`);
  });
}

export async function tenantAccountCode(values: { tenant?: string; set?: string; clear?: boolean }): Promise<void> {
  if (!values.tenant) throw new UsageError("usage: tenant account-code --tenant NAME-OR-ID [--set CODE | --clear]");
  if (values.set !== undefined && values.clear) throw new UsageError("give --set CODE or --clear, not both");
  let change: { accountCode: string | null } | null = null;
  if (values.set !== undefined || values.clear) {
    // --set "" would clear silently: clearing is asked for by name.
    if (values.set !== undefined && values.set.trim() === "") throw new UsageError(`--set: ${ACCOUNT_CODE_HINT} (use --clear to remove it)`);
    const parsed = tenantUpdateSchema.safeParse({ accountCode: values.clear ? null : values.set });
    if (!parsed.success) throw new UsageError(formatZodError(parsed.error));
    change = { accountCode: parsed.data.accountCode ?? null };
  }
  await withDatabase(async () => {
    const tenantId = await resolveTenantId(values.tenant);
    if (tenantId === null) throw new UsageError("--tenant is required.");
    const tenant = change === null ? await getTenant(cliCaller(), tenantId) : await updateTenant(cliCaller(), tenantId, change);
    console.log(
      tenant.accountCode === null
        ? `${printable(tenant.name)}: no account code (the call guard enforces none of its call limits)`
        : `${printable(tenant.name)}: account code ${tenant.accountCode}${change === null ? "" : " (in force on the nodes from the next push)"}`,
    );
  });
}
