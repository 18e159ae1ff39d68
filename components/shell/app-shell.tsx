"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { NavIcon } from "./nav-icon";
import { isNavLinkActive, type NavEntry, type NavLink } from "./nav-items";
import { ThemeToggle } from "./theme-toggle";
import { UserMenu } from "./user-menu";

// The frame of every signed-in page: a fixed sidebar from the lg breakpoint, and below it a top bar
// whose menu button opens the same navigation as a modal slide-over (a native <dialog>: focus stays
// inside, Escape closes it, the page behind is inert). Page content arrives as server-rendered children.

export interface ShellUser {
  email: string;
  roleLabel: string;
}

interface AppShellProps {
  navItems: NavEntry[];
  user: ShellUser;
  children: ReactNode;
}

/** Matches Tailwind's `lg` breakpoint, where the sidebar takes over from the slide-over. */
const DESKTOP_QUERY = "(min-width: 64rem)";

export function AppShell({ navItems, user, children }: AppShellProps) {
  const drawerRef = useRef<HTMLDialogElement>(null);
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  const closeButtonRef = useRef<HTMLButtonElement>(null);
  const [isNavOpen, setIsNavOpen] = useState(false);
  const drawerId = useId();

  function openNav() {
    const drawer = drawerRef.current;
    if (!drawer || drawer.open) return;
    drawer.showModal();
    document.documentElement.style.overflow = "hidden";
    closeButtonRef.current?.focus();
    setIsNavOpen(true);
  }

  function closeNav() {
    drawerRef.current?.close();
  }

  // Widening the window past the breakpoint hides the slide-over; close it so the page is not left inert.
  useEffect(() => {
    const query = window.matchMedia(DESKTOP_QUERY);
    const onChange = () => {
      if (query.matches) drawerRef.current?.close();
    };
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, []);

  return (
    <div className="min-h-screen">
      <a
        href="#main-content"
        className="sr-only rounded-md bg-white px-4 py-2 text-sm font-semibold text-brand-700 shadow-lg focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50 dark:bg-slate-900 dark:text-brand-100"
      >
        Skip to content
      </a>

      <aside className="hidden border-r border-slate-200 bg-white lg:fixed lg:inset-y-0 lg:flex lg:w-64 lg:flex-col dark:border-slate-800 dark:bg-slate-900">
        <div className="flex h-14 shrink-0 items-center border-b border-slate-200 px-5 dark:border-slate-800">
          <Brand />
        </div>
        <nav aria-label="Main" className="flex-1 overflow-y-auto px-3 py-4">
          <NavList entries={navItems} />
        </nav>
      </aside>

      <dialog
        ref={drawerRef}
        id={drawerId}
        aria-label="Navigation"
        onClose={() => {
          document.documentElement.style.overflow = "";
          setIsNavOpen(false);
          menuButtonRef.current?.focus();
        }}
        // A click on the backdrop lands on the <dialog> itself; the panel inside covers its whole box.
        onClick={(event) => {
          if (event.target === event.currentTarget) closeNav();
        }}
        className="fixed inset-y-0 left-0 m-0 h-dvh max-h-none w-72 max-w-[85vw] border-0 border-r border-slate-200 bg-white p-0 text-slate-900 shadow-xl transition-transform duration-200 ease-out backdrop:bg-slate-950/50 starting:open:-translate-x-full lg:hidden dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100"
      >
        <div className="flex h-full flex-col">
          <div className="flex h-14 shrink-0 items-center justify-between border-b border-slate-200 px-4 dark:border-slate-800">
            <Brand onNavigate={closeNav} />
            <button
              ref={closeButtonRef}
              type="button"
              onClick={closeNav}
              className="-mr-1 flex size-9 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-white"
            >
              <span className="sr-only">Close navigation</span>
              <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.5} className="size-5">
                <path strokeLinecap="round" strokeLinejoin="round" d="M6 18 18 6M6 6l12 12" />
              </svg>
            </button>
          </div>
          <nav aria-label="Main" className="flex-1 overflow-y-auto px-3 py-4">
            <NavList entries={navItems} onNavigate={closeNav} />
          </nav>
          <div className="border-t border-slate-200 px-4 py-3 text-sm dark:border-slate-800">
            <p className="text-xs text-slate-500 dark:text-slate-400">Signed in as</p>
            <p className="truncate font-medium" title={user.email}>
              {user.email}
            </p>
            <p className="text-xs text-slate-500 dark:text-slate-400">{user.roleLabel}</p>
          </div>
        </div>
      </dialog>

      <div className="lg:pl-64">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b border-slate-200 bg-white/90 px-3 backdrop-blur sm:gap-3 sm:px-6 lg:px-8 dark:border-slate-800 dark:bg-slate-900/90">
          <button
            ref={menuButtonRef}
            type="button"
            onClick={openNav}
            aria-expanded={isNavOpen}
            aria-controls={drawerId}
            className="flex size-9 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100 hover:text-slate-900 lg:hidden dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"
          >
            <span className="sr-only">Open navigation</span>
            <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.5} className="size-6">
              <path strokeLinecap="round" strokeLinejoin="round" d="M3.75 6.75h16.5M3.75 12h16.5m-16.5 5.25h16.5" />
            </svg>
          </button>
          <div className="lg:hidden">
            <Brand />
          </div>
          <div className="ml-auto flex min-w-0 items-center gap-2 sm:gap-4">
            <ThemeToggle />
            <UserMenu email={user.email} roleLabel={user.roleLabel} />
          </div>
        </header>

        <main id="main-content" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 focus:outline-none sm:px-6 lg:px-8 lg:py-8">
          {children}
        </main>
      </div>
    </div>
  );
}

function Brand({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <Link href="/" onClick={onNavigate} className="flex items-center gap-2 rounded-md">
      <svg aria-hidden="true" viewBox="0 0 32 32" className="size-7 text-brand-600 dark:text-brand-500">
        <path
          fill="currentColor"
          d="M16 2 4 7v8c0 7.2 5.1 13.5 12 15 6.9-1.5 12-7.8 12-15V7L16 2Zm0 4.2 8 3.3V15c0 5-3.3 9.5-8 10.9-4.7-1.4-8-5.9-8-10.9V9.5l8-3.3Z"
        />
      </svg>
      <span className="text-lg font-semibold tracking-tight text-slate-900 dark:text-white">Rampart</span>
    </Link>
  );
}

function NavList({ entries, onNavigate }: { entries: NavEntry[]; onNavigate?: () => void }) {
  const groupIdPrefix = useId();
  return (
    <ul role="list" className="space-y-1">
      {entries.map((entry, index) =>
        entry.kind === "link" ? (
          <li key={entry.href}>
            <NavItemLink link={entry} onNavigate={onNavigate} />
          </li>
        ) : (
          <li key={entry.label} className="pt-4 pb-2">
            <p
              id={`${groupIdPrefix}-${index}`}
              className="flex items-center gap-2 px-3 pb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400"
            >
              {entry.label}
            </p>
            <ul role="list" aria-labelledby={`${groupIdPrefix}-${index}`} className="space-y-1">
              {entry.items.map((item) => (
                <li key={item.href}>
                  <NavItemLink link={item} onNavigate={onNavigate} />
                </li>
              ))}
            </ul>
          </li>
        ),
      )}
    </ul>
  );
}

function NavItemLink({ link, onNavigate }: { link: NavLink; onNavigate?: () => void }) {
  const pathname = usePathname();
  const isActive = isNavLinkActive(pathname, link.href);
  // "page" on the page itself; "true" on a section whose sub-page is open.
  const current = pathname === link.href ? "page" : isActive ? "true" : undefined;
  return (
    <Link
      href={link.href}
      onClick={onNavigate}
      aria-current={current}
      className={
        "group flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors " +
        (isActive
          ? "bg-brand-50 text-brand-700 dark:bg-brand-500/15 dark:text-white"
          : "text-slate-700 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white")
      }
    >
      <NavIcon
        name={link.icon}
        className={
          "size-5 shrink-0 " +
          (isActive
            ? "text-brand-600 dark:text-brand-100"
            : "text-slate-400 group-hover:text-slate-600 dark:text-slate-500 dark:group-hover:text-slate-300")
        }
      />
      {link.label}
    </Link>
  );
}
