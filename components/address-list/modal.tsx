"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";

interface ModalProps {
  open: boolean;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** While true, Escape and the backdrop do not close it. */
  isBusy?: boolean;
  onClose: () => void;
  /** Wider panel for tables (the import report). */
  isWide?: boolean;
}

/** A modal form panel on the native <dialog>: the page behind is inert, focus stays inside and returns after. */
export function Modal({ open, title, description, children, isBusy = false, onClose, isWide = false }: ModalProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const returnFocusRef = useRef<HTMLElement | null>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnFocusRef.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      onCancel={(event) => {
        if (isBusy) event.preventDefault();
      }}
      onClose={() => {
        if (open) onClose();
        returnFocusRef.current?.focus();
        returnFocusRef.current = null;
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget && !isBusy) onClose();
      }}
      className={`m-auto w-[calc(100%-2rem)] ${isWide ? "max-w-3xl" : "max-w-lg"} rounded-xl border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/50 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100`}
    >
      <div className="max-h-[calc(100dvh-4rem)] overflow-y-auto p-6">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        {description ? <div className="mt-1 text-sm text-slate-600 dark:text-slate-400">{description}</div> : null}
        {/* Rendered only while open: closed dialogs leave no duplicate form fields in the page. */}
        {open ? <div className="mt-4">{children}</div> : null}
      </div>
    </dialog>
  );
}
