import type { Metadata } from "next";

import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { getRateLimitSettings } from "@/lib/db/queries/settings";
import { rateLimitToForm } from "@/lib/validation/settings";

import { RateLimitForm } from "./_components/rate-limit-form";
import { ReadOnlyNote } from "./_components/settings-form-parts";

export const metadata: Metadata = { title: "Rate limits" };

export default async function RateLimitsPage() {
  const user = await requirePagePermission("policy:read");
  const settings = await getRateLimitSettings(callerFromUser(user));
  const canWrite = hasPermission(user.role, "policy:write");
  return (
    <>
      <PageHeader
        title="Rate limits"
        description="Per-source limits on SIP packets and on REGISTER and INVITE floods, and the ports SIP and media use on every node."
      />
      {canWrite ? null : <ReadOnlyNote what="the rate limits" />}
      <RateLimitForm initial={rateLimitToForm(settings)} canWrite={canWrite} />
    </>
  );
}
