import type { Metadata } from "next";

import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { getFail2banSettings } from "@/lib/db/queries/settings";
import { fail2banToForm } from "@/lib/validation/settings";

import { ReadOnlyNote } from "../rate-limits/_components/settings-form-parts";
import { Fail2banForm } from "./_components/fail2ban-form";

export const metadata: Metadata = { title: "Fail2ban" };

export default async function Fail2banPage() {
  const user = await requirePagePermission("policy:read");
  const settings = await getFail2banSettings(callerFromUser(user));
  const canWrite = hasPermission(user.role, "policy:write");
  return (
    <>
      <PageHeader
        title="Fail2ban"
        description="Jails on each node that watch Asterisk's logs and the PBX's own web interfaces (FreePBX, UCP, Apache), and ban sources after repeated failures."
      />
      {canWrite ? null : <ReadOnlyNote what="the fail2ban settings" />}
      <Fail2banForm initial={fail2banToForm(settings)} canWrite={canWrite} />
    </>
  );
}
