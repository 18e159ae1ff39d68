"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { deleteUserAction, resetUserPasswordAction, setUserDisabledAction } from "../actions";
import { SecretBox } from "./secret-box";

interface UserAccountActionsProps {
  user: { id: string; email: string; disabled: boolean };
  /** The signed-in administrator's own account: these actions would lock them out, so they are off. */
  isSelf: boolean;
}

type Pending = "disable" | "enable" | "reset" | "delete";

/** Disable or enable, reset the password (shown once), delete; each behind a confirmation. */
export function UserAccountActions({ user, isSelf }: UserAccountActionsProps) {
  const router = useRouter();
  const [confirming, setConfirming] = useState<Pending | null>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [password, setPassword] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

  function run(kind: Pending) {
    startTransition(async () => {
      if (kind === "reset") {
        const result = await resetUserPasswordAction(user.id);
        setConfirming(null);
        if (result.ok) {
          setPassword(result.data.password);
          setMessage({ tone: "success", text: "The password was reset and every session of the user was ended." });
        } else {
          setMessage({ tone: "error", text: result.error });
        }
        return;
      }
      const result = kind === "delete" ? await deleteUserAction(user.id) : await setUserDisabledAction(user.id, kind === "disable");
      setConfirming(null);
      if (!result.ok) {
        setMessage({ tone: "error", text: result.error });
        return;
      }
      if (kind === "delete") {
        router.push("/users");
        return;
      }
      setPassword(null);
      setMessage({ tone: "success", text: kind === "disable" ? "The user is disabled and was signed out everywhere." : "The user is enabled and can sign in again." });
    });
  }

  const dialogs: Record<Pending, { title: string; description: string; confirmLabel: string; isDestructive: boolean }> = {
    disable: {
      title: `Disable ${user.email}?`,
      description: "The user is signed out everywhere at once and cannot sign in until enabled again. Every API token they created is revoked for good.",
      confirmLabel: "Disable user",
      isDestructive: true,
    },
    enable: {
      title: `Enable ${user.email}?`,
      description: "The user can sign in again with their current password.",
      confirmLabel: "Enable user",
      isDestructive: false,
    },
    reset: {
      title: `Reset the password of ${user.email}?`,
      description: "Rampart generates a new password and shows it once. The old password stops working and the user is signed out everywhere.",
      confirmLabel: "Reset password",
      isDestructive: true,
    },
    delete: {
      title: `Delete ${user.email}?`,
      description: "The account and its sessions are removed for good. The audit log keeps its e-mail; every API token it created is revoked. To keep the account for later, disable it instead.",
      confirmLabel: "Delete user",
      isDestructive: true,
    },
  };
  const dialog = confirming ? dialogs[confirming] : null;

  return (
    <div className="space-y-4">
      {isSelf ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          This is your own account. Another administrator can disable it, reset its password or delete it.
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {user.disabled ? (
          <Button variant="secondary" onClick={() => setConfirming("enable")} disabled={isPending || isSelf}>
            Enable user
          </Button>
        ) : (
          <Button variant="secondary" onClick={() => setConfirming("disable")} disabled={isPending || isSelf}>
            Disable user
          </Button>
        )}
        <Button variant="secondary" onClick={() => setConfirming("reset")} disabled={isPending || isSelf}>
          Reset password
        </Button>
        <Button variant="danger" onClick={() => setConfirming("delete")} disabled={isPending || isSelf}>
          Delete user
        </Button>
      </div>
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      {password ? (
        <SecretBox
          label="New password"
          secret={password}
          warning="Copy this password now and give it to the user through a safe channel. It is shown only this once."
        />
      ) : null}
      <ConfirmDialog
        open={dialog !== null}
        title={dialog?.title ?? ""}
        description={dialog?.description}
        confirmLabel={dialog?.confirmLabel}
        isDestructive={dialog?.isDestructive}
        isPending={isPending}
        onConfirm={() => confirming && run(confirming)}
        onCancel={() => setConfirming(null)}
      />
    </div>
  );
}
