"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { repairNodeAction } from "../actions";

interface RepairNodeProps {
  node: { id: string; name: string };
  /** The confirmed version the repair re-applies (full hash). */
  version: string;
}

/** "Repair" of a drifted node: asks first, re-applies the confirmed version, then opens the push's live page. */
export function RepairNode({ node, version }: RepairNodeProps) {
  const router = useRouter();
  const [isConfirming, setIsConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

  function runRepair() {
    setError(null);
    startTransition(async () => {
      const result = await repairNodeAction(node.id);
      if (result.ok) {
        router.push(`/nodes/pushes/${result.data.batchId}`);
        return;
      }
      setIsConfirming(false);
      setError(result.error);
    });
  }

  return (
    <div className="space-y-2">
      <Button size="sm" onClick={() => setIsConfirming(true)} disabled={isPending} aria-label={`Repair ${node.name}`}>
        Repair
      </Button>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <ConfirmDialog
        open={isConfirming}
        title={`Repair ${node.name}?`}
        description={`Re-apply version ${version.slice(0, 12)} to ${node.name}? Rampart's chains and sets on the node are replaced by the confirmed version; the node rolls back by itself if the panel cannot confirm.`}
        confirmLabel="Re-apply version"
        isDestructive
        isPending={isPending}
        onConfirm={runRepair}
        onCancel={() => setIsConfirming(false)}
      />
    </div>
  );
}
