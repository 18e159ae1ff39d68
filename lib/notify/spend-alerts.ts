/**
 * checkSpendAlerts(now): the call-alert e-mail (80 % and 100 % of each call-cost budget, every abuse block),
 * through the ban mail's SMTP settings, recipients and digest window. Meant to run after every collector cycle,
 * in the web process or in `npm run worker` processes; it never throws (a mail problem must not fail a poll) and
 * answers what it did. The claim in the DAL makes it safe to call from several workers at once.
 *
 * The I/O arrives as a CallAlertPorts object (the database and SMTP by default), so the sequence — settings, spend,
 * claim, send, release on failure — is unit-tested against memory.
 */
// No "server-only" marker: the worker runs this outside Next.js, where the marker throws.
import { BLOCK_ALERT_LOOKBACK_MS, claimCallAlerts, listRecentExtensionBlocks, releaseCallAlerts, type CallAlertClaim, type CallAlertClaimResult } from "@/lib/db/queries/call-alerts";
import { loadMailSettings, type MailSettings } from "@/lib/db/queries/notifications";
import { loadSpend } from "@/lib/db/queries/spend";
import { getEnv } from "@/lib/env";
import { utcPeriods } from "@/lib/pricing/budget";

import { buildCallAlertDigest, DEFAULT_CALL_ALERT_LIMIT, findDueCallAlerts, listBudgets, type BlockAlert, type DueCallAlerts, type SpendForAlerts } from "./call-alerts";
import { describeMailError, sendWithNodemailer, type SendMail } from "./mailer";

export interface CallAlertPorts {
  loadMailSettings(): Promise<MailSettings>;
  loadSpend(now: Date): Promise<SpendForAlerts>;
  listRecentBlocks(since: Date): Promise<BlockAlert[]>;
  claim(now: Date, windowSeconds: number, since: Date, decide: (sent: ReadonlySet<string>) => DueCallAlerts): Promise<CallAlertClaimResult<DueCallAlerts>>;
  release(claim: CallAlertClaim): Promise<void>;
  send: SendMail;
  pageUrl(path: string): string | null;
}

export const databasePorts: CallAlertPorts = {
  loadMailSettings,
  loadSpend: (now) => loadSpend(now),
  listRecentBlocks: listRecentExtensionBlocks,
  claim: claimCallAlerts,
  release: releaseCallAlerts,
  send: sendWithNodemailer,
  pageUrl(path) {
    const base = getEnv().RAMPART_PUBLIC_URL;
    return base ? new URL(path, base).toString() : null;
  },
};

export type SpendAlertOutcome =
  | { status: "disabled" }
  | { status: "not-configured" }
  | { status: "waiting"; nextAt: Date }
  | { status: "nothing-new" }
  | { status: "sent"; budgets: number; blocks: number; recipients: number }
  | { status: "failed"; count: number; error: string };

/**
 * Mails the budget thresholds reached and the blocks stored since the last digest, at most once per digest window,
 * each threshold of each budget and period once. Never throws.
 */
export async function checkSpendAlerts(now: Date = new Date(), options: { ports?: Partial<CallAlertPorts>; limit?: number } = {}): Promise<SpendAlertOutcome> {
  const ports: CallAlertPorts = { ...databasePorts, ...options.ports };
  try {
    const settings = await ports.loadMailSettings();
    if (!settings.enabled) return { status: "disabled" };
    if (!settings.smtp) return { status: "not-configured" };
    const periods = utcPeriods(now);
    const blockSince = new Date(now.getTime() - BLOCK_ALERT_LOOKBACK_MS);
    // Keys name their day or month, so those sent since the month began (or the oldest block looked at) suffice.
    const sentSince = new Date(Math.min(periods.monthStart.getTime(), blockSince.getTime()));
    const [spend, blocks] = await Promise.all([ports.loadSpend(now), ports.listRecentBlocks(blockSince)]);
    const budgets = listBudgets(spend);
    const claimed = await ports.claim(now, settings.digestWindowSeconds, sentSince, (sent) => findDueCallAlerts(budgets, blocks, sent));
    if (claimed.kind === "waiting") return { status: "waiting", nextAt: claimed.nextAt };
    if (claimed.kind === "nothing-new") return { status: "nothing-new" };
    const { claim, due } = claimed;
    const digest = buildCallAlertDigest({
      budgets: due.budgets,
      blocks: due.blocks,
      until: now,
      limit: options.limit ?? DEFAULT_CALL_ALERT_LIMIT,
      spendPageUrl: ports.pageUrl("/spend"),
      blocksPageUrl: ports.pageUrl("/call-limits/blocks"),
    });
    if (!digest) return { status: "nothing-new" };
    try {
      await ports.send(settings.smtp, { from: settings.smtp.from, to: settings.smtp.recipients, subject: digest.subject, text: digest.text });
    } catch (error) {
      await ports.release(claim).catch(() => undefined);
      const message = describeMailError(error);
      console.error(`rampart: call alerts not sent (${digest.count} alerts, retried next window): ${message}`);
      return { status: "failed", count: digest.count, error: message };
    }
    return { status: "sent", budgets: due.budgets.length, blocks: due.blocks.length, recipients: settings.smtp.recipients.length };
  } catch (error) {
    console.error("rampart: call alerts failed", error);
    return { status: "failed", count: 0, error: describeMailError(error) };
  }
}
