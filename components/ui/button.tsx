import Link from "next/link";
import type { ComponentProps } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";
export type ButtonSize = "sm" | "md" | "lg";

const base =
  "inline-flex items-center justify-center gap-2 rounded-md font-semibold whitespace-nowrap transition-colors " +
  "disabled:pointer-events-none disabled:opacity-60 aria-disabled:pointer-events-none aria-disabled:opacity-60 [&_svg]:shrink-0";

const variants: Record<ButtonVariant, string> = {
  primary: "bg-brand-600 text-white shadow-sm hover:bg-brand-700",
  secondary:
    "border border-slate-300 bg-white text-slate-900 shadow-sm hover:bg-slate-50 " +
    "dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800",
  danger: "bg-red-600 text-white shadow-sm hover:bg-red-700 dark:bg-red-600 dark:hover:bg-red-500",
  ghost: "text-slate-700 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white",
};

const sizes: Record<ButtonSize, string> = {
  sm: "h-8 px-2.5 text-xs [&_svg]:size-4",
  md: "h-9 px-3 text-sm [&_svg]:size-4",
  lg: "h-11 px-4 text-base [&_svg]:size-5",
};

interface ButtonStyleOptions {
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
}

/** The class list of a button, for the rare element that must look like one without being <Button>. */
export function buttonClassName({ variant = "primary", size = "md", className }: ButtonStyleOptions = {}): string {
  return [base, variants[variant], sizes[size], className].filter(Boolean).join(" ");
}

export type ButtonProps = ComponentProps<"button"> & Omit<ButtonStyleOptions, "className">;

/** A <button>; `type` defaults to "button" so it never submits a form by accident. */
export function Button({ variant, size, className, type = "button", ...props }: ButtonProps) {
  return <button type={type} className={buttonClassName({ variant, size, className })} {...props} />;
}

export type ButtonLinkProps = ComponentProps<typeof Link> & Omit<ButtonStyleOptions, "className">;

/** A Next <Link> styled as a button: navigation stays a link for assistive technology. */
export function ButtonLink({ variant, size, className, ...props }: ButtonLinkProps) {
  return <Link className={buttonClassName({ variant, size, className })} {...props} />;
}

export interface SubmitButtonProps extends Omit<ButtonProps, "type"> {
  /** The form is being submitted: the button is disabled, marked busy and says so. */
  isPending: boolean;
  /** The label while pending. */
  pendingLabel?: string;
}

/** A form's submit button. */
export function SubmitButton({ isPending, pendingLabel = "Saving…", disabled, children, ...props }: SubmitButtonProps) {
  return (
    <Button type="submit" disabled={isPending || disabled} aria-busy={isPending || undefined} {...props}>
      {isPending ? pendingLabel : children}
    </Button>
  );
}
