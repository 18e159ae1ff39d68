import { describe, expect, it } from "vitest";
import { z } from "zod";

import { toFieldErrors } from "@/lib/action-result";

import { fail2banSchema, FAIL2BAN_RANGES, policySnapshotSchema, RATE_LIMIT_RANGES } from "./policy";
import {
  applyPatch,
  AUTO_WHITELIST_TTL,
  autoWhitelistFormSchema,
  autoWhitelistSettingsSchema,
  collectFormErrors,
  describeRange,
  describeSeconds,
  describeMissingFields,
  fail2banFormSchema,
  fail2banSettingsSchema,
  fail2banToForm,
  foldListErrors,
  listMissingFields,
  parseIntegerText,
  portsFormSchema,
  rateLimitFormSchema,
  rateLimitSettingsSchema,
  rateLimitToForm,
  scannerCreateSchema,
  scannerListSchema,
  scannerUpdateSchema,
  type Fail2banSettings,
  type RateLimitSettings,
} from "./settings";

const rateLimit: RateLimitSettings = {
  enabled: true,
  packetsPerSecond: 50,
  burst: 100,
  registerHits: 20,
  registerWindowSeconds: 60,
  inviteHits: 20,
  inviteWindowSeconds: 60,
  sipPorts: [5060],
  transports: ["UDP", "TCP"],
  rtpPortMin: 10000,
  rtpPortMax: 20000,
};

const fail2ban: Fail2banSettings = {
  voipJailEnabled: true,
  webJailEnabled: true,
  maxRetry: 5,
  findTimeSeconds: 600,
  banTimeSeconds: 3600,
  recidive: { enabled: true, maxRetry: 3, findTimeSeconds: 86400, banTimeSeconds: 604800 },
};

function errorsOf(schema: z.ZodType, input: unknown): Record<string, string[]> {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? {} : toFieldErrors(result.error);
}

describe("parseIntegerText", () => {
  it("reads plain decimal numbers and nothing else", () => {
    expect(parseIntegerText("42")).toBe(42);
    expect(parseIntegerText(" 7 ")).toBe(7);
    expect(parseIntegerText("1.5")).toBe(1.5);
    expect(parseIntegerText("")).toBeUndefined();
    for (const text of ["0x10", "1e3", "12abc", "Infinity", "١٢", "--1"]) expect(parseIntegerText(text)).toBeNaN();
    expect(parseIntegerText(12)).toBe(12);
  });
});

describe("the rate-limit form", () => {
  const form = rateLimitToForm(rateLimit);

  it("round-trips the stored settings through the form values", () => {
    expect(rateLimitFormSchema.parse(form)).toEqual(rateLimit);
  });

  it("uses the compiler's ranges, so both accept and refuse the same values", () => {
    const max = RATE_LIMIT_RANGES.packetsPerSecond.max;
    expect(rateLimitFormSchema.parse({ ...form, packetsPerSecond: String(max) }).packetsPerSecond).toBe(max);
    expect(errorsOf(rateLimitFormSchema, { ...form, packetsPerSecond: String(max + 1) })).toEqual({
      packetsPerSecond: [`Packets per second must be ${RATE_LIMIT_RANGES.packetsPerSecond.min} to ${max}.`],
    });
  });

  it("says which field is empty, fractional or not a number", () => {
    const errors = errorsOf(rateLimitFormSchema, { ...form, burst: "", registerHits: "2.5", inviteHits: "0x10" });
    expect(Object.keys(errors).sort()).toEqual(["burst", "inviteHits", "registerHits"]);
    expect(errors.registerHits).toEqual(["REGISTER hits must be a whole number."]);
  });

  it("refuses an RTP range that ends before it starts", () => {
    expect(errorsOf(rateLimitFormSchema, { ...form, rtpPortMin: "20000", rtpPortMax: "10000" })).toEqual({
      rtpPortMax: ["The RTP range must start at or below its end."],
    });
  });

  it("refuses a SIP port inside the RTP range", () => {
    expect(errorsOf(rateLimitFormSchema, { ...form, sipPorts: "5060, 15000" }).sipPorts?.[0]).toMatch(/SIP port 15000 lies inside the RTP range 10000–20000/);
  });

  it("parses the port list and names the bad item", () => {
    expect(rateLimitFormSchema.parse({ ...form, sipPorts: "5060 5061,5080" }).sipPorts).toEqual([5060, 5061, 5080]);
    const lists = { sipPorts: "5060, 70000, abc" };
    const errors = foldListErrors(errorsOf(rateLimitFormSchema, { ...form, ...lists }), lists);
    expect(errors.sipPorts).toEqual(['"70000": Port must be 1 to 65535.', '"abc": Port must be a number.']);
    const dup = { sipPorts: "5060, 5060" };
    expect(foldListErrors(errorsOf(rateLimitFormSchema, { ...form, ...dup }), dup).sipPorts).toEqual(["Duplicate port: 5060."]);
    expect(errorsOf(rateLimitFormSchema, { ...form, sipPorts: "" }).sipPorts).toEqual(["At least one port is required."]);
  });

  it("requires a transport", () => {
    expect(errorsOf(rateLimitFormSchema, { ...form, transports: [] }).transports).toEqual(["At least one transport is required."]);
  });
});

describe("the fail2ban form", () => {
  const form = fail2banToForm(fail2ban);

  it("round-trips the stored settings, and a permanent repeat-offender ban as -1", () => {
    expect(fail2banFormSchema.parse(form)).toEqual(fail2ban);
    const permanent = { ...fail2ban, recidive: { ...fail2ban.recidive, banTimeSeconds: -1 } };
    const permanentForm = fail2banToForm(permanent);
    expect(permanentForm.recidive).toMatchObject({ isPermanent: true, banTimeSeconds: "604800" });
    expect(fail2banFormSchema.parse(permanentForm)).toEqual(permanent);
  });

  it("has no mail action: the form carries no notify fields, and a client still sending them is told so", () => {
    expect(Object.keys(form)).not.toContain("notify");
    // Ban e-mail is the panel's digest (Settings → Notifications); nodes run no sendmail-whois action.
    const errors = errorsOf(fail2banFormSchema, { ...form, notify: { enabled: true, email: "ops@example.com", sender: "rampart@example.com" } });
    expect(errors._form?.[0]).toMatch(/notify/);
    expect(errorsOf(fail2banSettingsSchema, { ...fail2ban, notify: { enabled: false, email: null, sender: null } })._form?.[0]).toMatch(/notify/);
  });

  it("bans repeat offenders longer than first offenders", () => {
    const errors = errorsOf(fail2banFormSchema, { ...form, banTimeSeconds: "7200", recidive: { ...form.recidive, banTimeSeconds: "7200" } });
    expect(errors).toEqual({ "recidive.banTimeSeconds": ["Repeat offenders must be banned longer than first offenders."] });
  });

  it("keeps the compiler's ban-time range", () => {
    const errors = errorsOf(fail2banFormSchema, { ...form, banTimeSeconds: String(FAIL2BAN_RANGES.banTimeSeconds.min - 1) });
    expect(errors.banTimeSeconds?.[0]).toContain(`${FAIL2BAN_RANGES.banTimeSeconds.min} to`);
  });
});

describe("the ports form", () => {
  it("refuses a port that is both SSH and web", () => {
    expect(portsFormSchema.parse({ sshPorts: "22, 2222", webPorts: "443" })).toEqual({ sshPorts: [22, 2222], webPorts: [443] });
    expect(errorsOf(portsFormSchema, { sshPorts: "22", webPorts: "22, 443" })).toEqual({
      webPorts: ["Port 22 is listed as both an SSH and a web port; each port has one role."],
    });
  });
});

describe("settings accepted here are accepted by the compiler", () => {
  it("is no looser than the compiler's schema", () => {
    expect(rateLimitSettingsSchema.safeParse(rateLimit).success).toBe(true);
    expect(fail2banSettingsSchema).toBe(fail2banSchema);
    const snapshot = policySnapshotSchema.shape;
    expect(snapshot.rateLimit.safeParse(rateLimitSettingsSchema.parse(rateLimit)).success).toBe(true);
  });
});

describe("scanner signatures", () => {
  it("uses the compiler's allow-list for patterns", () => {
    expect(scannerCreateSchema.parse({ pattern: "friendly-scanner" })).toEqual({ pattern: "friendly-scanner", enabled: true, comment: "" });
    for (const pattern of ['evil"; DROP', "a\nb", "abc", "x".repeat(65), "$(reboot)", "User-Agent: ", "trailing "]) {
      expect(scannerCreateSchema.safeParse({ pattern }).success, pattern).toBe(false);
    }
  });

  it("needs at least one change", () => {
    expect(scannerUpdateSchema.safeParse({}).success).toBe(false);
    expect(scannerUpdateSchema.parse({ enabled: false })).toEqual({ enabled: false });
  });

  it("refuses exact duplicates in a list but keeps case variants apart (the match is case-sensitive)", () => {
    const errors = errorsOf(scannerListSchema, {
      signatures: [
        { pattern: "sipvicious", enabled: true },
        { pattern: "SIPVicious", enabled: true },
        { pattern: "sipvicious", enabled: false },
      ],
    });
    expect(errors).toEqual({ "signatures.2.pattern": ['Duplicate signature "sipvicious" (also item 0).'] });
  });
});

describe("PUT completeness and PATCH", () => {
  it("lists missing fields, nested ones included", () => {
    expect(listMissingFields(rateLimitSettingsSchema, { enabled: true, burst: 1 })).toEqual([
      "packetsPerSecond", "registerHits", "registerWindowSeconds", "inviteHits", "inviteWindowSeconds", "sipPorts", "transports", "rtpPortMin", "rtpPortMax",
    ]);
    const { webJailEnabled: _webJailEnabled, ...withoutWebJail } = fail2ban;
    expect(listMissingFields(fail2banSettingsSchema, { ...withoutWebJail, recidive: { enabled: true } })).toEqual([
      "webJailEnabled", "recidive.maxRetry", "recidive.findTimeSeconds", "recidive.banTimeSeconds",
    ]);
    expect(describeMissingFields(fail2banSettingsSchema, fail2ban)).toBeNull();
    const { banTimeSeconds: _banTimeSeconds, ...recidiveWithoutBanTime } = fail2ban.recidive;
    expect(describeMissingFields(fail2banSettingsSchema, { ...fail2ban, recidive: recidiveWithoutBanTime })).toEqual({
      message: "Missing field: recidive.banTimeSeconds. PUT replaces the whole object: send every field, or use PATCH to change only some.",
      fieldErrors: { "recidive.banTimeSeconds": ["Required."] },
    });
    expect(listMissingFields(rateLimitSettingsSchema, "not an object")).toEqual([]);
  });

  it("merges nested objects one level down and replaces lists", () => {
    const merged = applyPatch(fail2banSettingsSchema, fail2ban, { maxRetry: 9, recidive: { enabled: false } });
    expect(merged).toEqual({ ...fail2ban, maxRetry: 9, recidive: { ...fail2ban.recidive, enabled: false } });
    expect(applyPatch(rateLimitSettingsSchema, rateLimit, { sipPorts: [5061] })).toEqual({ ...rateLimit, sipPorts: [5061] });
    expect(applyPatch(rateLimitSettingsSchema, rateLimit, ["x"])).toEqual(["x"]);
    expect(rateLimitSettingsSchema.safeParse(applyPatch(rateLimitSettingsSchema, rateLimit, { bogus: 1 })).success).toBe(false);
  });
});

describe("describeSeconds", () => {
  it("reads as a person would say it", () => {
    expect(describeSeconds(600)).toBe("10 minutes");
    expect(describeSeconds(3600)).toBe("1 hour");
    expect(describeSeconds(5400)).toBe("1 hour 30 minutes");
    expect(describeSeconds(604_800)).toBe("1 week");
    expect(describeSeconds(86_400 + 300)).toBe("1 day");
    expect(describeSeconds(31_536_000)).toBe("1 year");
    expect(describeSeconds(-1)).toBe("permanent");
    expect(describeSeconds(1.5)).toBe("");
    expect(describeRange({ min: 1, max: 10_000 })).toBe("1–10,000");
  });
});

describe("collectFormErrors", () => {
  const rateForm = rateLimitToForm(rateLimit);
  const fail2banForm = { ...fail2banToForm(fail2ban) };

  it("reports cross-field mistakes together with the invalid fields", () => {
    const input = { ...rateForm, burst: "0x10", rtpPortMin: "30000", rtpPortMax: "20000" };
    // zod alone stops at the invalid field...
    expect(Object.keys(errorsOf(rateLimitFormSchema, input))).toEqual(["burst"]);
    // ...this reports both.
    expect(collectFormErrors(rateLimitFormSchema, input, rateForm)).toEqual({
      burst: ["Burst must be a number."],
      rtpPortMax: ["The RTP range must start at or below its end."],
    });
    expect(collectFormErrors(rateLimitFormSchema, rateForm, rateForm)).toBeNull();
  });

  it("repairs nested fields one level down, and reports nothing on the repaired fields", () => {
    const input = {
      ...fail2banForm,
      maxRetry: "lots",
      recidive: { ...fail2banForm.recidive, maxRetry: "0", banTimeSeconds: "60" },
    };
    expect(collectFormErrors(fail2banFormSchema, input, fail2banForm)).toEqual({
      maxRetry: ["Max retry must be a number."],
      "recidive.maxRetry": ["Repeat-offender max retry must be 1 to 100."],
      "recidive.banTimeSeconds": ["Repeat offenders must be banned longer than first offenders."],
    });
  });
});

describe("applyPatch and prototype keys", () => {
  it("keeps a __proto__ key from JSON as an own key, which the strict schema refuses", () => {
    const merged = applyPatch(rateLimitSettingsSchema, rateLimit, JSON.parse('{"__proto__": {"enabled": false}}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    const result = rateLimitSettingsSchema.safeParse(merged);
    expect(result.success).toBe(false);
    const nested = applyPatch(fail2banSettingsSchema, fail2ban, JSON.parse('{"recidive": {"__proto__": {"x": 1}}}'));
    expect(fail2banSettingsSchema.safeParse(nested).success).toBe(false);
  });
});

describe("auto-whitelist settings", () => {
  it("takes either field or both, a TTL from one minute to 30 days, and nothing else", () => {
    expect(autoWhitelistSettingsSchema.parse({ isEnabled: true })).toEqual({ isEnabled: true });
    expect(autoWhitelistSettingsSchema.parse({ isEnabled: false, ttlSeconds: 60 })).toEqual({ isEnabled: false, ttlSeconds: 60 });
    expect(autoWhitelistSettingsSchema.parse({ ttlSeconds: AUTO_WHITELIST_TTL.max })).toEqual({ ttlSeconds: 2_592_000 });
    const messages = (input: unknown) => autoWhitelistSettingsSchema.safeParse(input).error?.issues.map((i) => i.message) ?? [];
    expect(messages({ ttlSeconds: 59 })).toEqual(["The time to live is at least 60 seconds (1 minute)."]);
    expect(messages({ ttlSeconds: 2_592_001 })).toEqual(["The time to live is at most 2,592,000 seconds (30 days)."]);
    expect(messages({ ttlSeconds: 90.5 })).toEqual(["Enter a whole number of seconds."]);
    expect(messages({ isEnabled: "yes" })).toEqual(["isEnabled must be true or false."]);
    expect(messages({})).toEqual(["Send isEnabled, ttlSeconds or both."]);
    expect(autoWhitelistSettingsSchema.safeParse({ isEnabled: true, scope: "ALL" }).success).toBe(false);
  });

  it("reads the dashboard form: the checkbox and the TTL as typed", () => {
    expect(autoWhitelistFormSchema.parse({ isEnabled: "on", ttlSeconds: " 3600 " })).toEqual({ isEnabled: true, ttlSeconds: 3600 });
    expect(autoWhitelistFormSchema.parse({ isEnabled: null, ttlSeconds: "60" })).toEqual({ isEnabled: false, ttlSeconds: 60 });
    expect(autoWhitelistFormSchema.safeParse({ isEnabled: "on", ttlSeconds: "" }).success).toBe(false);
    expect(autoWhitelistFormSchema.safeParse({ isEnabled: "on", ttlSeconds: "1e3" }).success).toBe(false);
  });
});
