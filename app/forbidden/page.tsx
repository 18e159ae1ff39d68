import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";

// Where requirePagePermission sends a signed-in user whose role lacks a page's permission. It shows
// nothing about the page that was refused, and needs no session itself.

export const metadata: Metadata = {
  title: "Access denied",
  robots: { index: false },
};

export default function ForbiddenPage() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto mb-4 flex size-12 items-center justify-center rounded-full bg-amber-100 text-amber-700 dark:bg-amber-500/15 dark:text-amber-300">
          <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.5} className="size-6">
            <path
              strokeLinecap="round"
              strokeLinejoin="round"
              d="M16.5 10.5V6.75a4.5 4.5 0 1 0-9 0v3.75m-.75 11.25h10.5a2.25 2.25 0 0 0 2.25-2.25v-6.75a2.25 2.25 0 0 0-2.25-2.25H6.75a2.25 2.25 0 0 0-2.25 2.25v6.75a2.25 2.25 0 0 0 2.25 2.25Z"
            />
          </svg>
        </div>
        <p className="text-sm font-semibold text-amber-700 dark:text-amber-300">403</p>
        <h1 className="mt-1 text-xl font-semibold tracking-tight">You don&apos;t have access to this page</h1>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          Your role does not include this area. If you need it, ask a Rampart administrator to change your role.
        </p>
        <div className="mt-6">
          <ButtonLink href="/">Back to Overview</ButtonLink>
        </div>
      </div>
    </main>
  );
}
