import { describe, expect, it } from "vitest";

import type { CallAlertClaim, CallAlertClaimResult } from "@/lib/db/queries/call-alerts";
import type { MailSettings } from "@/lib/db/queries/notifications";

import type { BlockAlert, DueCallAlerts, SpendForAlerts } from "./call-alerts";
import type { MailMessage } from "./mailer";
import { checkSpendAlerts, type CallAlertPorts } from "./spend-alerts";

// The alert sequence against memory: an in-memory ledger with the DAL's semantics (a key is sent while it has more
// sent than released entries; one digest per window), a fake mailer, and spend the test moves along.

const WINDOW = 300;
const t0 = new Date("2026-12-04T10:00:00.000Z");
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

const SETTINGS: MailSettings = {
  enabled: true,
  digestWindowSeconds: WINDOW,
  smtp: { host: "smtp.example.test", port: 587, tlsMode: "STARTTLS", user: "", password: null, from: "rampart@example.test", recipients: ["noc@example.test"] },
};

function memoryLedger() {
  const entries: { key: string; action: "sent" | "released"; at: Date }[] = [];
  return {
    entries,
    async claim(now: Date, windowSeconds: number, since: Date, decide: (sent: ReadonlySet<string>) => DueCallAlerts): Promise<CallAlertClaimResult<DueCallAlerts>> {
      const lastSent = entries.filter((e) => e.action === "sent").at(-1);
      if (lastSent && now.getTime() < lastSent.at.getTime() + windowSeconds * 1000) return { kind: "waiting", nextAt: new Date(lastSent.at.getTime() + windowSeconds * 1000) };
      const balance = new Map<string, number>();
      for (const e of entries) if (e.at >= since) balance.set(e.key, (balance.get(e.key) ?? 0) + (e.action === "sent" ? 1 : -1));
      const due = decide(new Set([...balance].filter(([, n]) => n > 0).map(([key]) => key)));
      if (due.keys.length === 0) return { kind: "nothing-new" };
      for (const key of due.keys) entries.push({ key, action: "sent", at: now });
      return { kind: "claimed", claim: { at: now, keys: due.keys }, due };
    },
    async release(claim: CallAlertClaim): Promise<void> {
      for (const key of claim.keys) entries.push({ key, action: "released", at: claim.at });
    },
  };
}

function harness(settings: MailSettings = SETTINGS) {
  const ledger = memoryLedger();
  const state = { today: "0", blocks: [] as BlockAlert[], failSend: false };
  const sent: MailMessage[] = [];
  const ports: Partial<CallAlertPorts> = {
    loadMailSettings: async () => settings,
    loadSpend: async (): Promise<SpendForAlerts> => ({
      day: "2026-12-04",
      month: "2026-12",
      tenants: [{ tenantName: "Acme", accountCode: "acme", currency: "EUR", today: state.today, month: state.today, dailyLimit: "10", monthlyLimit: null, extensions: [] }],
    }),
    listRecentBlocks: async () => state.blocks,
    claim: ledger.claim,
    release: ledger.release,
    send: async (_config, message) => {
      if (state.failSend) throw new Error("421 try again later");
      sent.push(message);
    },
    pageUrl: (path) => `https://rampart.example${path}`,
  };
  return { ledger, state, sent, run: (now: Date) => checkSpendAlerts(now, { ports }) };
}

describe("checkSpendAlerts", () => {
  it("mails each threshold once, digests within the window, and the 100 % alert after it", async () => {
    const h = harness();
    expect(await h.run(t0)).toEqual({ status: "nothing-new" });

    h.state.today = "8";
    expect(await h.run(later(1))).toEqual({ status: "sent", budgets: 1, blocks: 0, recipients: 1 });
    expect(h.sent.map((m) => m.subject)).toEqual(["[Rampart] Acme reached 80 % of its daily limit"]);
    expect(h.sent[0]).toMatchObject({ from: "rampart@example.test", to: ["noc@example.test"] });
    expect(h.sent[0]!.text).toContain("Spend against every limit: https://rampart.example/spend");

    // Within the window: 100 % and a block wait for the next digest.
    h.state.today = "10";
    h.state.blocks = [{ id: "b1", accountCode: "acme", tenantName: "Acme", extension: "1001", number: "88213456789", node: "pbx-1", blockedAt: later(30) }];
    expect(await h.run(later(60))).toMatchObject({ status: "waiting", nextAt: later(301) });
    expect(h.sent).toHaveLength(1);

    expect(await h.run(later(302))).toEqual({ status: "sent", budgets: 1, blocks: 1, recipients: 1 });
    expect(h.sent[1]!.subject).toBe("[Rampart] Call alerts: 1 budget alert, 1 extension block");
    expect(h.sent[1]!.text).toContain("  100 %  Acme (acme): tenant daily limit for 2026-12-04, spent €10.00 of €10.00 (100.00 %)");
    expect(h.sent[1]!.text).toContain("Review and lift blocks: https://rampart.example/call-limits/blocks");

    // Nothing new, however much more is spent: each threshold went out once.
    h.state.today = "25";
    expect(await h.run(later(700))).toEqual({ status: "nothing-new" });
    expect(h.sent).toHaveLength(2);
  });

  it("gives a failed mail's alerts back to the next window", async () => {
    const h = harness();
    h.state.today = "9";
    h.state.failSend = true;
    expect(await h.run(t0)).toMatchObject({ status: "failed", count: 1, error: "421 try again later" });
    // Once per window, even when failing.
    h.state.failSend = false;
    expect((await h.run(later(10))).status).toBe("waiting");
    expect(await h.run(later(301))).toEqual({ status: "sent", budgets: 1, blocks: 0, recipients: 1 });
    expect(h.sent[0]!.subject).toBe("[Rampart] Acme reached 80 % of its daily limit");
    expect(h.ledger.entries.map((e) => e.action)).toEqual(["sent", "released", "sent"]);
  });

  it("does nothing when notifications are off or the mail server is not set, and never throws", async () => {
    const off = harness({ ...SETTINGS, enabled: false });
    off.state.today = "10";
    expect(await off.run(t0)).toEqual({ status: "disabled" });
    const unset = harness({ ...SETTINGS, smtp: null });
    unset.state.today = "10";
    expect(await unset.run(t0)).toEqual({ status: "not-configured" });
    expect(off.sent.length + unset.sent.length).toBe(0);

    const broken = await checkSpendAlerts(t0, {
      ports: {
        loadMailSettings: async () => SETTINGS,
        loadSpend: async () => {
          throw new Error("database unavailable");
        },
        listRecentBlocks: async () => [],
      },
    });
    expect(broken).toEqual({ status: "failed", count: 0, error: "database unavailable" });
  });
});
