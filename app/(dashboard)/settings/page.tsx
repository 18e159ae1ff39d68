import type { Metadata } from "next";
import { headers } from "next/headers";

import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePagePermission } from "@/lib/auth/guards";
import { getNotificationSettings } from "@/lib/db/queries/notifications";
import { notificationToForm } from "@/lib/validation/notifications";

import { NotificationsForm } from "./_components/notifications-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requirePagePermission("settings:manage");
  const caller = callerFromUser(user, getClientIp(await headers()));
  const notifications = await getNotificationSettings(caller);
  return (
    <>
      <PageHeader title="Settings" description="Platform-wide settings that apply to every node and tenant." />
      <section aria-labelledby="notifications-heading" className="space-y-3">
        <div>
          <h2 id="notifications-heading" className="text-lg font-semibold text-slate-900 dark:text-white">
            Notifications
          </h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            E-mail when nodes ban addresses. The SMTP password is stored encrypted and is never shown again.
          </p>
        </div>
        <NotificationsForm initial={notificationToForm(notifications)} hasPassword={notifications.hasPassword} />
      </section>
    </>
  );
}
