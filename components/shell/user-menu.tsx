"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { signOutEverywhere } from "@/app/(dashboard)/account-actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

interface UserMenuProps {
  email: string;
  roleLabel: string;
}

/** The signed-in account and the way out. The e-mail and role hide on phones (the nav drawer shows them). */
export function UserMenu({ email, roleLabel }: UserMenuProps) {
  const [isSigningOut, setIsSigningOut] = useState(false);
  const [isConfirming, setIsConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSignOutEverywhere() {
    setIsSigningOut(true);
    const result = await signOutEverywhere();
    if (!result.ok) {
      setError(result.error);
      setIsSigningOut(false);
      setIsConfirming(false);
      return;
    }
    await signOut({ callbackUrl: "/login" });
  }

  async function onSignOut() {
    setIsSigningOut(true);
    try {
      await signOut({ callbackUrl: "/login" });
    } catch {
      setIsSigningOut(false);
    }
  }

  return (
    <div className="flex min-w-0 items-center gap-3">
      <div className="hidden min-w-0 text-right sm:block">
        <p className="max-w-56 truncate text-sm font-medium text-slate-900 dark:text-white" title={email} data-signed-in-as={email}>
          {email}
        </p>
        <p className="text-xs text-slate-500 dark:text-slate-400">{roleLabel}</p>
      </div>
      <Button variant="ghost" onClick={onSignOut} disabled={isSigningOut} className="px-2 sm:px-3">
        <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.5}>
          <path
            strokeLinecap="round"
            strokeLinejoin="round"
            d="M15.75 9V5.25A2.25 2.25 0 0 0 13.5 3h-6a2.25 2.25 0 0 0-2.25 2.25v13.5A2.25 2.25 0 0 0 7.5 21h6a2.25 2.25 0 0 0 2.25-2.25V15m3 0 3-3m0 0-3-3m3 3H9"
          />
        </svg>
        {/* The visible text on wider screens is also the accessible name on phones. */}
        <span className="sr-only sm:not-sr-only">Sign out</span>
      </Button>
      {/* A wrapper carries the breakpoint: the button's own display class would win over `hidden`. */}
      <span className="hidden md:block">
        <Button variant="ghost" onClick={() => setIsConfirming(true)} disabled={isSigningOut} className="px-2 text-xs">
          Sign out everywhere
        </Button>
      </span>
      {error ? <p role="alert" className="text-xs text-red-700 dark:text-red-300">{error}</p> : null}
      <ConfirmDialog
        open={isConfirming}
        title="Sign out everywhere?"
        description="This ends every session of your account, on this and every other device, and revokes every API token you created."
        confirmLabel="Sign out everywhere"
        isDestructive
        isPending={isSigningOut}
        onConfirm={onSignOutEverywhere}
        onCancel={() => setIsConfirming(false)}
      />
    </div>
  );
}
