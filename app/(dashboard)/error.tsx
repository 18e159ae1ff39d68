"use client";

import { Button, ButtonLink } from "@/components/ui/button";

// The fallback when a dashboard page fails to render. It never shows the error's message or stack:
// in production the server already replaces them, and a client error could carry internal detail.
// The digest is the server's log reference for the failure, safe to show and useful to quote.

function getDigest(error: unknown): string | null {
  if (error instanceof Error && "digest" in error && typeof error.digest === "string") return error.digest;
  return null;
}

export default function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = getDigest(error);
  return (
    <div role="alert" className="mx-auto max-w-lg rounded-xl border border-slate-200 bg-white px-6 py-10 text-center shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto mb-4 flex size-12 items-center justify-center rounded-full bg-red-100 text-red-600 dark:bg-red-500/15 dark:text-red-400">
        <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.5} className="size-6">
          <path
            strokeLinecap="round"
            strokeLinejoin="round"
            d="M12 9v3.75m-9.303 3.376c-.866 1.5.217 3.374 1.948 3.374h14.71c1.73 0 2.813-1.874 1.948-3.374L13.949 3.378c-.866-1.5-3.032-1.5-3.898 0L2.697 16.126ZM12 15.75h.007v.008H12v-.008Z"
          />
        </svg>
      </div>
      <h1 className="text-lg font-semibold">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        This page could not be loaded. Try again; if the problem continues, tell your administrator
        {digest ? " and quote the reference below" : ""}.
      </p>
      {digest ? (
        <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">
          Reference: <code className="font-mono">{digest}</code>
        </p>
      ) : null}
      <div className="mt-6 flex flex-col-reverse justify-center gap-2 sm:flex-row">
        <ButtonLink href="/" variant="secondary">
          Go to Overview
        </ButtonLink>
        <Button onClick={() => retry()}>Try again</Button>
      </div>
    </div>
  );
}
