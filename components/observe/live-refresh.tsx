"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

// Re-renders the server page every poll interval (router.refresh keeps client state and scroll), paused while
// the tab is hidden and caught up at once when it is shown again, so a background tab costs the server nothing.

export function LiveRefresh({ intervalSeconds }: { intervalSeconds: number }) {
  const router = useRouter();
  const [isPaused, setIsPaused] = useState(false);

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | null = null;
    const start = () => {
      if (timer === null) timer = setInterval(() => router.refresh(), intervalSeconds * 1000);
    };
    const stop = () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
    };
    const onVisibility = () => {
      if (document.hidden) {
        stop();
        setIsPaused(true);
      } else {
        setIsPaused(false);
        router.refresh();
        start();
      }
    };
    // A tab opened in the background starts no timer; its first visibilitychange starts it.
    if (!document.hidden) start();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stop();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [router, intervalSeconds]);

  return (
    <p className="inline-flex items-center gap-2 text-xs text-slate-500 dark:text-slate-400" data-testid="live-refresh">
      <span aria-hidden="true" className={`size-2 rounded-full ${isPaused ? "bg-slate-400" : "animate-pulse bg-emerald-500"}`} />
      {isPaused ? "Live updates paused while the tab is hidden" : `Live: updates every ${intervalSeconds} s`}
    </p>
  );
}
