import { getDb } from "@/lib/db/client";
import { normalizeRatePrefix } from "@/lib/validation/rates";
import { GUARD_WORD_PATTERN, type CallGuardPolicy } from "@/lib/validation/call-guard";

// Reads what the call guard enforces, in the snapshot's shape (lib/validation/call-guard.ts), and says which stored
// limits it cannot enforce and why: a limit of a tenant without an account code, an extension that is no PJSIP
// endpoint name the guard can key on, a route whose prefix another route already has. The compiler re-validates
// the snapshot; this layer only maps rows and sorts them, so equal policies render equal files.

export interface CallGuardPolicyLoad {
  policy: CallGuardPolicy;
  /** One sentence per stored limit nothing enforces, for the Call limits page. */
  unenforced: string[];
}

const decimal = (value: { toFixed(places: number): string } | null): string | null => (value === null ? null : trimDecimal(value.toFixed(4)));

/** "12.5000" → "12.5", "3.0000" → "3": the snapshot's amounts are canonical DECIMAL(14,4) text. */
function trimDecimal(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

export async function loadCallGuardPolicy(): Promise<CallGuardPolicyLoad> {
  const db = getDb();
  const [settings, abuse, tenants, extensions, routes] = await Promise.all([
    db.callGuardSettings.findUnique({ where: { id: 1 } }),
    db.abuseDetectionSettings.findUnique({ where: { id: 1 } }),
    db.tenant.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, accountCode: true, callLimit: true } }),
    db.extensionCallLimit.findMany({ orderBy: [{ tenantId: "asc" }, { extension: "asc" }] }),
    db.routeCostLimit.findMany({ orderBy: { name: "asc" }, include: { rates: { orderBy: { prefix: "asc" } } } }),
  ]);
  const unenforced: string[] = [];
  const codeOf = new Map(tenants.map((t) => [t.id, t.accountCode]));
  const nameOf = new Map(tenants.map((t) => [t.id, t.name]));

  const policyTenants: CallGuardPolicy["tenants"] = [];
  for (const tenant of tenants) {
    if (tenant.accountCode === null) {
      if (tenant.callLimit) unenforced.push(`Tenant ${tenant.name}: its limits are not enforced, it has no account code.`);
      continue;
    }
    policyTenants.push({
      accountCode: tenant.accountCode,
      currency: tenant.callLimit?.currency ?? "EUR",
      dailyLimit: decimal(tenant.callLimit?.dailyLimit ?? null),
      monthlyLimit: decimal(tenant.callLimit?.monthlyLimit ?? null),
    });
  }
  policyTenants.sort((a, b) => (a.accountCode < b.accountCode ? -1 : a.accountCode > b.accountCode ? 1 : 0));

  const policyExtensions: CallGuardPolicy["extensions"] = [];
  for (const limit of extensions) {
    const code = codeOf.get(limit.tenantId) ?? null;
    const tenantName = nameOf.get(limit.tenantId) ?? limit.tenantId;
    if (code === null) unenforced.push(`Extension ${limit.extension} of ${tenantName}: not enforced, the tenant has no account code.`);
    else if (!GUARD_WORD_PATTERN.test(limit.extension)) unenforced.push(`Extension ${limit.extension} of ${tenantName}: not enforced, the guard knows calls by PJSIP endpoint names (letters, digits, - and _).`);
    else policyExtensions.push({ accountCode: code, extension: limit.extension, currency: limit.currency, dailyLimit: decimal(limit.dailyLimit)! });
  }
  policyExtensions.sort((a, b) => {
    const ka = `${a.accountCode} ${a.extension}`;
    const kb = `${b.accountCode} ${b.extension}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });

  const policyRoutes: CallGuardPolicy["routes"] = [];
  const byPrefix = new Map<string, string>();
  for (const route of routes) {
    const prefix = normalizeRatePrefix(route.prefix);
    const other = byPrefix.get(prefix);
    if (other !== undefined) {
      unenforced.push(`Route ${route.name}: not enforced, route ${other} has the same prefix ${prefix} (the first by name is).`);
      continue;
    }
    byPrefix.set(prefix, route.name);
    policyRoutes.push({
      prefix,
      currency: route.currency,
      maxCostPerMinute: decimal(route.maxCostPerMinute)!,
      rates: route.rates.map((r) => ({
        prefix: r.prefix,
        costPerMinute: decimal(r.costPerMinute)!,
        connectionFee: decimal(r.connectionFee)!,
        firstIncrement: r.firstIncrement,
        nextIncrement: r.nextIncrement,
      })),
    });
  }
  policyRoutes.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));

  return {
    policy: {
      enabled: settings?.enabled ?? false,
      offlineMode: settings?.offlineMode ?? "REFUSE_INTERNATIONAL",
      maxCallSeconds: settings?.maxCallSeconds ?? 14_400,
      staleAfterSeconds: settings?.staleAfterSeconds ?? 300,
      abuse: { enabled: abuse?.enabled ?? true, maxCallsSameNumber: abuse?.maxCallsSameNumber ?? 5, windowSeconds: abuse?.windowSeconds ?? 300 },
      tenants: policyTenants,
      extensions: policyExtensions,
      routes: policyRoutes,
    },
    unenforced,
  };
}
