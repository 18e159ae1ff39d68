"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { revokeTokenAction } from "../actions";

/** Revoke behind a confirmation; the error, if any, shows next to the button. */
export function RevokeTokenButton({ token }: { token: { id: string; name: string; prefix: string } }) {
  const [isConfirming, setIsConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

  function revoke() {
    startTransition(async () => {
      const result = await revokeTokenAction(token.id);
      setIsConfirming(false);
      setError(result.ok ? null : result.error);
    });
  }

  return (
    <>
      <Button variant="ghost" size="sm" onClick={() => setIsConfirming(true)} disabled={isPending} aria-label={`Revoke token ${token.name}`}>
        Revoke
      </Button>
      {error ? (
        <span role="alert" className="ml-2 text-xs whitespace-normal text-red-700 dark:text-red-400">
          {error}
        </span>
      ) : null}
      <ConfirmDialog
        open={isConfirming}
        title={`Revoke the token “${token.name}”?`}
        description={`Every script using the token ${token.prefix}… is refused from its next request. This cannot be undone: create a new token to restore access.`}
        confirmLabel="Revoke token"
        isDestructive
        isPending={isPending}
        onConfirm={revoke}
        onCancel={() => setIsConfirming(false)}
      />
    </>
  );
}
