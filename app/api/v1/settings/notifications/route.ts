import { apiRoute, readJson } from "@/lib/api/handler";
import { getNotificationSettings, updateNotificationSettings } from "@/lib/db/queries/notifications";
import { notificationSettingsSchema } from "@/lib/validation/notifications";

// GET the e-mail notification settings; PUT replaces them (every field required). The SMTP password is write-only:
// PUT sends `smtpPassword` as keep, set or clear, and answers only say `hasPassword`.

export const GET = apiRoute({ permission: "settings:manage" }, async ({ caller }) => getNotificationSettings(caller));

export const PUT = apiRoute({ permission: "settings:manage" }, async ({ request, caller }) => {
  return updateNotificationSettings(caller, notificationSettingsSchema.parse(await readJson(request, 64 * 1024)));
});
