import { describe, expect, it } from "vitest";

import {
  isSmtpHost,
  notificationFormErrors,
  notificationFromForm,
  notificationSettingsSchema,
  notificationToForm,
  splitRecipients,
  type NotificationFormValues,
} from "./notifications";

const form: NotificationFormValues = {
  enabled: true,
  smtpHost: "smtp.example.com",
  smtpPort: "587",
  smtpTlsMode: "STARTTLS",
  smtpUser: "rampart",
  smtpPassword: "",
  clearPassword: false,
  fromAddress: "rampart@example.com",
  recipients: "noc@example.com, oncall@example.com\nops@example.com",
  digestWindowMinutes: "5",
};

function errorsOf(values: Partial<NotificationFormValues>): Record<string, string[]> {
  const parsed = notificationSettingsSchema.safeParse(notificationFromForm({ ...form, ...values }));
  return parsed.success ? {} : notificationFormErrors(parsed.error);
}

describe("notification settings form", () => {
  it("turns the form's text into the stored shape", () => {
    const parsed = notificationSettingsSchema.parse(notificationFromForm(form));
    expect(parsed).toMatchObject({ smtpPort: 587, digestWindowSeconds: 300, smtpPassword: { action: "keep" } });
    expect(parsed.recipients).toEqual(["noc@example.com", "oncall@example.com", "ops@example.com"]);
    expect(notificationSettingsSchema.parse(notificationFromForm({ ...form, smtpPassword: "s3cret" })).smtpPassword).toEqual({ action: "set", value: "s3cret" });
    expect(notificationSettingsSchema.parse(notificationFromForm({ ...form, clearPassword: true, smtpUser: "" })).smtpPassword).toEqual({ action: "clear" });
  });

  it("names every bad field with a clear message, under the form's field name", () => {
    expect(errorsOf({ smtpPort: "70000" }).smtpPort).toEqual(["The port must be between 1 and 65535."]);
    expect(errorsOf({ smtpPort: "abc" }).smtpPort).toEqual(["The port must be a number."]);
    expect(errorsOf({ digestWindowMinutes: "0" }).digestWindowMinutes).toEqual(["The digest window must be between 1 and 1440 minutes."]);
    expect(errorsOf({ smtpHost: "smtp.example.com:25" }).smtpHost?.[0]).toMatch(/without a port/);
    expect(errorsOf({ smtpTlsMode: "SSL" }).smtpTlsMode).toEqual(["Choose None, STARTTLS or TLS."]);
    expect(errorsOf({ fromAddress: "not an address" }).fromAddress?.[0]).toMatch(/e-mail address/);
    expect(errorsOf({ recipients: "noc@example.com\nbroken" }).recipients?.[0]).toMatch(/Each recipient must be an e-mail address/);
    expect(errorsOf({ recipients: "noc@example.com, NOC@example.com" }).recipients).toEqual(["NOC@example.com is listed twice."]);
    expect(errorsOf({ smtpUser: "two words" }).smtpUser?.[0]).toMatch(/spaces/);
    expect(errorsOf({ smtpPassword: "a\nb" }).smtpPassword).toEqual([
      "Control characters and unpaired surrogates are not allowed here: found a control character (U+000A) at position 2.",
    ]);
  });

  it("needs server, sender and recipients only when notifications are on", () => {
    const empty = { smtpHost: "", fromAddress: "", recipients: "" };
    expect(Object.keys(errorsOf({ ...empty, enabled: true })).sort()).toEqual(["fromAddress", "recipients", "smtpHost"]);
    expect(errorsOf({ ...empty, enabled: false })).toEqual({});
  });

  it("refuses header injection in addresses", () => {
    expect(errorsOf({ fromAddress: "a@example.com\r\nBcc: x@example.com" }).fromAddress).toBeDefined();
  });

  it("round-trips the stored view into the form (password never included)", () => {
    const values = notificationToForm({ enabled: false, smtpHost: "10.0.0.5", smtpPort: 25, smtpTlsMode: "NONE", smtpUser: "", hasPassword: true, fromAddress: "", recipients: ["a@example.com", "b@example.com"], digestWindowSeconds: 600 });
    expect(values).toMatchObject({ smtpPort: "25", smtpPassword: "", recipients: "a@example.com\nb@example.com", digestWindowMinutes: "10" });
  });
});

describe("isSmtpHost / splitRecipients", () => {
  it("accepts names and addresses, not ports or networks", () => {
    expect(isSmtpHost("mail.example.com")).toBe(true);
    expect(isSmtpHost("192.0.2.25")).toBe(true);
    expect(isSmtpHost("2001:db8::25")).toBe(true);
    expect(isSmtpHost("192.0.2.0/24")).toBe(false);
    expect(isSmtpHost("-bad.example.com")).toBe(false);
  });

  it("splits on commas, semicolons and lines", () => {
    expect(splitRecipients(" a@x.com;b@x.com ,\n\n c@x.com ")).toEqual(["a@x.com", "b@x.com", "c@x.com"]);
  });
});
