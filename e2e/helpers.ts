import { expect, type Locator, type Page } from "@playwright/test";
import { PASSWORD } from "./db";

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in and waits for the Overview; `timeout` for a spec that runs beside the other browser specs (the lab's). */
export async function signInAndWait(page: Page, email: string, timeout?: number): Promise<void> {
  await signIn(page, email);
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible({ timeout });
}

/** The sign-in form's error message (Next.js keeps an empty role=alert route announcer on every page). */
export function loginAlert(page: Page): Locator {
  return page.locator("form [role=alert]");
}
