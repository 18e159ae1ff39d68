"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormMessage } from "@/components/ui/form-message";
import type { ActionResult } from "@/lib/action-result";
import { deleteTenantAction } from "../actions";

interface DeleteTenantProps {
  tenantId: string;
  tenantName: string;
  userCount: number;
  restrictionCount: number;
  extensionLimitCount: number;
  hasTenantCallLimit: boolean;
  apiTokenCount: number;
}

const plural = (count: number, one: string, many: string) => `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;

export function DeleteTenant(props: DeleteTenantProps) {
  const { tenantId, tenantName, userCount } = props;
  const router = useRouter();
  const [isConfirming, setIsConfirming] = useState(false);
  const [result, setResult] = useState<ActionResult<unknown> | null>(null);
  const [isPending, startTransition] = useTransition();

  // What goes with the tenant, counted; nothing is listed that is not there.
  const consequences = [
    props.restrictionCount > 0 ? plural(props.restrictionCount, "IP restriction", "IP restrictions") : null,
    props.extensionLimitCount > 0 ? plural(props.extensionLimitCount, "extension limit", "extension limits") : null,
    props.hasTenantCallLimit ? "the daily and monthly call limits" : null,
    props.apiTokenCount > 0 ? plural(props.apiTokenCount, "API token", "API tokens") : null,
  ].filter((item): item is string => item !== null);
  const summary =
    consequences.length > 0
      ? `Deleting the tenant also deletes ${consequences.join(", ")}.`
      : "The tenant has no IP restrictions, call limits or API tokens: only the tenant itself is deleted.";

  function confirm() {
    const formData = new FormData();
    formData.set("tenantId", tenantId);
    startTransition(async () => {
      const outcome = await deleteTenantAction(null, formData);
      setIsConfirming(false);
      setResult(outcome);
      if (outcome.ok) router.push(`/tenants?deleted=${encodeURIComponent(tenantName)}`);
    });
  }

  return (
    <div className="space-y-4">
      {userCount > 0 ? (
        <p className="text-sm text-slate-700 dark:text-slate-300">
          This tenant cannot be deleted while {plural(userCount, "user belongs", "users belong")} to it. Move them to another tenant or delete
          them on the Users page first.
        </p>
      ) : (
        <p className="text-sm text-slate-700 dark:text-slate-300">
          {summary} This cannot be undone.
        </p>
      )}
      <FormMessage state={result?.ok ? null : result} />
      <div className="flex justify-end">
        <Button variant="danger" onClick={() => setIsConfirming(true)} disabled={userCount > 0 || isPending}>
          Delete tenant
        </Button>
      </div>
      <ConfirmDialog
        open={isConfirming}
        title={`Delete the tenant “${tenantName}”?`}
        description={consequences.length > 0 ? "This also deletes, with no way back:" : summary}
        confirmLabel="Delete tenant"
        isDestructive
        isPending={isPending}
        onConfirm={confirm}
        onCancel={() => setIsConfirming(false)}
      >
        {consequences.length > 0 ? (
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700 dark:text-slate-300">
            {consequences.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}
