"use client";

import { startTransition, useActionState, type FormEvent } from "react";
import type { ActionResult } from "@/lib/action-result";

/**
 * useActionState for a form submitted through onSubmit rather than `<form action>`: React resets a form after an
 * action-attribute submission even when the server refused it, which would throw away what the user typed next to
 * the messages explaining what to fix. Here the fields keep their text until the caller resets them on success.
 */
export function useFormAction<T>(action: (previous: ActionResult<T> | null, formData: FormData) => Promise<ActionResult<T>>) {
  const [state, dispatch, isPending] = useActionState<ActionResult<T> | null, FormData>(action, null);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => dispatch(formData));
  }
  return [state, onSubmit, isPending] as const;
}
