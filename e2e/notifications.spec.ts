import { expect, test } from "@playwright/test";

import { createUser, sql } from "./db";
import { signInAndWait } from "./helpers";

// The Notifications section of the Settings page: clear messages for bad input, the password stored sealed
// and shown only as "set", and the test e-mail reporting the mail server's refusal instead of failing.

test("an administrator configures ban notifications; bad input is named; the password is never shown", async ({ page }) => {
  const admin = await createUser("ADMIN");
  await signInAndWait(page, admin.email);
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Notification settings" });

  await form.getByLabel("Send ban notifications").check();
  await form.getByLabel("Port").fill("70000");
  await form.getByRole("button", { name: "Save notification settings" }).click();
  await expect(form.getByText("The port must be between 1 and 65535.")).toBeVisible();
  await expect(form.getByText("Enter the SMTP server to turn notifications on.")).toBeVisible();
  await expect(form.getByLabel("Port")).toHaveAttribute("aria-invalid", "true");

  const secret = `pw-${Date.now()}`;
  await form.getByLabel("Recipients").fill("noc@example.test\noncall@example.test");
  await form.getByLabel("Server").fill("127.0.0.1");
  await form.getByLabel("Port").fill("1");
  await form.getByLabel("Encryption").selectOption("NONE");
  await form.getByLabel("Sender address").fill("rampart@example.test");
  await form.getByLabel("User name").fill("rampart");
  await form.getByLabel(/^Password/).fill(secret);
  await form.getByRole("button", { name: "Save notification settings" }).click();
  await expect(form.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(form.getByText("set", { exact: true })).toBeVisible();
  await expect(form.getByLabel(/^Password/)).toHaveValue("");

  const [row] = await sql<{ enabled: boolean; recipients: string[]; pw: Buffer }>(`SELECT enabled, recipients, smtp_password AS pw FROM notification_settings WHERE id = 1`);
  expect(row!.enabled).toBe(true);
  expect(row!.recipients).toEqual(["noc@example.test", "oncall@example.test"]);
  expect(row!.pw.toString("latin1")).not.toContain(secret);
  await page.reload();
  expect(await page.content()).not.toContain(secret);

  // Nothing listens on port 1: the test mail reports the failure, and it is audited.
  await form.getByRole("button", { name: "Send test e-mail" }).click();
  await expect(form.getByRole("alert").filter({ hasText: "The test e-mail was not sent" })).toBeVisible({ timeout: 30_000 });
  const audit = await sql(`SELECT action FROM audit_log WHERE actor_label = $1 ORDER BY id`, [admin.email]);
  expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["settings.notifications.update", "settings.notifications.test"]));

  // Leave notifications off for other specs.
  await form.getByLabel("Send ban notifications").uncheck();
  await form.getByRole("button", { name: "Save notification settings" }).click();
  await expect(form.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
});
