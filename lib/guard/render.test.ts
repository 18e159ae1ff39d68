import { describe, expect, it } from "vitest";

import type { CallGuardPolicy } from "@/lib/validation/call-guard";

import { parseGuardOutcome } from "./outcome";
import { GUARD_ARTEFACTS, renderGuard } from "./render";

const POLICY: CallGuardPolicy = {
  enabled: true,
  offlineMode: "ALLOW_CAPPED",
  maxCallSeconds: 7200,
  staleAfterSeconds: 120,
  abuse: { enabled: false, maxCallsSameNumber: 5, windowSeconds: 300 },
  tenants: [{ accountCode: "acme", currency: "JPY", dailyLimit: "500", monthlyLimit: null }],
  extensions: [{ accountCode: "acme", extension: "1001", currency: "JPY", dailyLimit: "100" }],
  routes: [{ prefix: "00", currency: "JPY", maxCostPerMinute: "50", rates: [{ prefix: "0044", costPerMinute: "12.5", connectionFee: "0", firstIncrement: 30, nextIncrement: 6 }] }],
};

describe("renderGuard", () => {
  it("renders one checked line per limit, route and rate, with the currency's minor unit", () => {
    const { files, version } = renderGuard(POLICY);
    expect(files[GUARD_ARTEFACTS.policy]).toBe(
      [
        "rampart-guard-policy=1",
        `version=${version}`,
        "enabled=1",
        "offline=allow-capped",
        "stale_after=120",
        "max_call_seconds=7200",
        "abuse=off",
        "tenant=acme JPY 0 500 none",
        "extension=acme 1001 JPY 100",
        "route=00 JPY 0 50",
        "rate=00 0044 12.5 0 30 6",
        "end=1",
        "",
      ].join("\n"),
    );
  });

  it("names its version in the dialplan the agent checks after the reload, and changes it with any limit", () => {
    const a = renderGuard(POLICY);
    expect(renderGuard(POLICY)).toEqual(a);
    expect(a.version).toMatch(/^[0-9a-f]{16}$/);
    expect(a.files[GUARD_ARTEFACTS.dialplan]).toContain(`exten => s,1,NoOp(rampart-guard ${a.version})`);
    expect(a.files[GUARD_ARTEFACTS.dialplan]).toContain("AGI(/var/lib/rampart/guard/rampart-guard-agi.sh,decide,${RAMPART_GUARD_NUMBER},${CHANNEL(endpoint)},${EPOCH})");
    expect(a.files[GUARD_ARTEFACTS.dialplan]).toContain("Set(TIMEOUT(absolute)=${RAMPART_GUARD_CAP})");
    const b = renderGuard({ ...POLICY, extensions: [{ ...POLICY.extensions[0]!, dailyLimit: "101" }] });
    expect(b.version).not.toBe(a.version);
  });

  it("refuses a policy the shared schema refuses (a word with a space never reaches the node)", () => {
    expect(() => renderGuard({ ...POLICY, tenants: [{ ...POLICY.tenants[0]!, accountCode: "ac me" }] })).toThrow();
    expect(() => renderGuard({ ...POLICY, routes: [POLICY.routes[0]!, POLICY.routes[0]!] })).toThrow(/Duplicate route prefix/);
  });
});

describe("parseGuardOutcome", () => {
  it("reads each outcome the call path writes, and nothing else", () => {
    expect(parseGuardOutcome("rampart-guard allow acme 1001 00442079460000 EUR 0.1 0 60 60 300 0.50")).toMatchObject({
      outcome: "ALLOW",
      capSeconds: 300,
      rate: { costPerMinute: "0.1", firstIncrement: 60, nextIncrement: 60 },
    });
    expect(parseGuardOutcome("rampart-guard refuse tenant-daily acme 1001 0044")).toMatchObject({ outcome: "REFUSE", reason: "tenant-daily" });
    expect(parseGuardOutcome("rampart-guard block abuse acme 1001 0044")).toMatchObject({ outcome: "BLOCK", reason: "abuse" });
    expect(parseGuardOutcome("rampart-guard off - 1001 0044")).toMatchObject({ outcome: "ALLOW", reason: "off", accountCode: "-" });
    for (const text of ["", "billing=foo", "rampart-guard refuse bored acme 1001 0044", "rampart-guard allow acme 1001 0044 EUR 0.1 0 0 60 300 0.50", "rampart-guard block abuse acme 10;01 0044"]) {
      expect(parseGuardOutcome(text), text).toBeNull();
    }
  });
});
