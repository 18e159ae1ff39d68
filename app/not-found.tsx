import { ButtonLink } from "@/components/ui/button";

// The 404 for unknown addresses and for notFound() anywhere in the app. It renders outside the
// dashboard shell (the visitor may not be signed in), so it carries its own minimal frame.
export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <svg aria-hidden="true" viewBox="0 0 32 32" className="mx-auto mb-4 size-10 text-brand-600 dark:text-brand-500">
          <path
            fill="currentColor"
            d="M16 2 4 7v8c0 7.2 5.1 13.5 12 15 6.9-1.5 12-7.8 12-15V7L16 2Zm0 4.2 8 3.3V15c0 5-3.3 9.5-8 10.9-4.7-1.4-8-5.9-8-10.9V9.5l8-3.3Z"
          />
        </svg>
        <p className="text-sm font-semibold text-brand-600 dark:text-brand-500">404</p>
        <h1 className="mt-1 text-xl font-semibold tracking-tight">Page not found</h1>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          The address may be mistyped, or the page may have moved.
        </p>
        <div className="mt-6">
          <ButtonLink href="/">Back to Overview</ButtonLink>
        </div>
      </div>
    </main>
  );
}
