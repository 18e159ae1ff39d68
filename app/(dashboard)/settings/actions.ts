"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";

import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { updateNotificationSettings } from "@/lib/db/queries/notifications";
import { AppError } from "@/lib/errors";
import { sendTestEmail } from "@/lib/notify/mailer";
import {
  notificationFormErrors,
  notificationFromForm,
  notificationSettingsSchema,
  notificationToForm,
  type NotificationFormValues,
} from "@/lib/validation/notifications";

// Server actions of the Settings page. Each checks settings:manage itself (administrators only); the DAL checks
// it again next to the data and audits.

export interface SavedNotifications {
  values: NotificationFormValues;
  hasPassword: boolean;
}

/** Saves the notification settings; answers the stored values (the password field comes back empty). */
export async function saveNotificationsAction(input: NotificationFormValues): Promise<ActionResult<SavedNotifications>> {
  return runAction(async () => {
    const caller = callerFromUser(await requirePermission("settings:manage"), getClientIp(await headers()));
    const parsed = notificationSettingsSchema.safeParse(notificationFromForm(input));
    if (!parsed.success) throw new AppError("VALIDATION", "Check the highlighted fields.", notificationFormErrors(parsed.error));
    const saved = await updateNotificationSettings(caller, parsed.data);
    revalidatePath("/settings");
    return { values: notificationToForm(saved), hasPassword: saved.hasPassword };
  });
}

/** Sends a test e-mail to the saved recipients with the saved SMTP settings. */
export async function sendTestEmailAction(): Promise<ActionResult<{ recipients: string[] }>> {
  return runAction(async () => {
    const caller = callerFromUser(await requirePermission("settings:manage"), getClientIp(await headers()));
    return sendTestEmail(caller);
  });
}
