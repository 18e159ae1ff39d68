import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { toSafeRedirectPath } from "@/lib/auth/safe-redirect";
import { getCurrentUser } from "@/lib/auth/session";
import { getPublicUrl } from "@/lib/env";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  // Only a path of this origin may be the post-sign-in target (no open redirect, no header injection).
  const callbackUrl = toSafeRedirectPath(params.callbackUrl, getPublicUrl());
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex items-center justify-center gap-3">
          <svg aria-hidden="true" viewBox="0 0 32 32" className="size-9 text-brand-600 dark:text-brand-500">
            <path fill="currentColor" d="M16 2 4 7v8c0 7.2 5.1 13.5 12 15 6.9-1.5 12-7.8 12-15V7L16 2Zm0 4.2 8 3.3V15c0 5-3.3 9.5-8 10.9-4.7-1.4-8-5.9-8-10.9V9.5l8-3.3Z" />
          </svg>
          <span className="text-2xl font-semibold tracking-tight">Rampart</span>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <h1 className="text-lg font-semibold">Sign in</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Security policy for your PBX cluster.</p>
          <LoginForm callbackUrl={callbackUrl} />
        </div>
      </div>
    </main>
  );
}
