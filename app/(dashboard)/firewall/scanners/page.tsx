import type { Metadata } from "next";

import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { listScanners } from "@/lib/db/queries/scanners";

import { ReadOnlyNote } from "../rate-limits/_components/settings-form-parts";
import { ScannerManager } from "./_components/scanner-manager";

export const metadata: Metadata = { title: "Scanners" };

export default async function ScannersPage() {
  const user = await requirePagePermission("policy:read");
  const signatures = await listScanners(callerFromUser(user));
  const canWrite = hasPermission(user.role, "policy:write");
  return (
    <>
      <PageHeader
        title="Scanners"
        description="User-Agent text of SIP scanning tools. Requests that contain an enabled signature are dropped and logged before they reach Asterisk."
      />
      {canWrite ? null : <ReadOnlyNote what="the scanner signatures" />}
      <ScannerManager
        signatures={signatures.map(({ id, pattern, enabled, comment }) => ({ id, pattern, enabled, comment }))}
        canWrite={canWrite}
      />
    </>
  );
}
