import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";

// Labelled form controls. The hint, the unit and the error are tied to the control with aria-describedby,
// and an error sets aria-invalid, so screen readers announce them with the field, not as page noise.

/** Server actions return `fieldErrors` as string arrays; a single message works too. */
export type FieldError = string | readonly string[] | undefined;

interface FieldOwnProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: FieldError;
  /** Class of the wrapper, for grid placement. */
  className?: string;
}

/** What a control needs to be wired to its label and messages. */
export interface FieldControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

function toMessages(error: FieldError): readonly string[] {
  if (!error) return [];
  return typeof error === "string" ? [error] : error.filter(Boolean);
}

const controlBase =
  "block w-full min-w-0 border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 " +
  "disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500 " +
  "dark:bg-slate-950 dark:text-slate-100 dark:placeholder:text-slate-500 dark:disabled:bg-slate-900";
const controlValid = "border-slate-300 dark:border-slate-700";
const controlInvalid = "border-red-500 dark:border-red-500";

interface FieldProps extends FieldOwnProps {
  id?: string;
  /** Extra ids to describe the control with (a unit suffix, for instance). */
  describedBy?: string;
  children: (control: FieldControlProps) => ReactNode;
}

/** Label, hint and error around any control; the render prop receives the id and aria attributes. */
export function Field({ id, label, hint, error, className, describedBy, children }: FieldProps) {
  const generatedId = useId();
  const controlId = id ?? generatedId;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  const messages = toMessages(error);
  const isInvalid = messages.length > 0;
  const describedByIds = [hint ? hintId : null, describedBy ?? null, isInvalid ? errorId : null].filter(Boolean).join(" ");

  return (
    <div className={className}>
      <label htmlFor={controlId} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
        {label}
      </label>
      <div className="mt-1">
        {children({
          id: controlId,
          "aria-describedby": describedByIds || undefined,
          "aria-invalid": isInvalid ? true : undefined,
        })}
      </div>
      {hint ? (
        <p id={hintId} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
      {isInvalid ? (
        <p id={errorId} className="mt-1 text-sm text-red-700 dark:text-red-400">
          {messages.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

type TextFieldProps = FieldOwnProps &
  Omit<InputHTMLAttributes<HTMLInputElement>, "className"> & {
    /** Shown after the input and read with it: "seconds", "packets/s". */
    unit?: string;
  };

export function TextField({ id, label, hint, error, className, unit, ...inputProps }: TextFieldProps) {
  const generatedId = useId();
  const controlId = id ?? generatedId;
  const unitId = unit ? `${controlId}-unit` : undefined;
  return (
    <Field id={controlId} label={label} hint={hint} error={error} className={className} describedBy={unitId}>
      {(control) => {
        const border = control["aria-invalid"] ? controlInvalid : controlValid;
        if (!unit) return <input {...inputProps} {...control} className={`${controlBase} ${border} rounded-md`} />;
        return (
          <div className="flex">
            <input {...inputProps} {...control} className={`${controlBase} ${border} rounded-l-md`} />
            <span
              id={unitId}
              className={`inline-flex shrink-0 items-center rounded-r-md border border-l-0 bg-slate-50 px-3 text-sm text-slate-600 dark:bg-slate-800 dark:text-slate-300 ${border}`}
            >
              {unit}
            </span>
          </div>
        );
      }}
    </Field>
  );
}

type SelectFieldProps = FieldOwnProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, "className">;

export function SelectField({ id, label, hint, error, className, children, ...selectProps }: SelectFieldProps) {
  return (
    <Field id={id} label={label} hint={hint} error={error} className={className}>
      {(control) => (
        <select
          {...selectProps}
          {...control}
          className={`${controlBase} ${control["aria-invalid"] ? controlInvalid : controlValid} rounded-md pr-8`}
        >
          {children}
        </select>
      )}
    </Field>
  );
}

type TextareaFieldProps = FieldOwnProps & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "className">;

export function TextareaField({ id, label, hint, error, className, rows = 4, ...textareaProps }: TextareaFieldProps) {
  return (
    <Field id={id} label={label} hint={hint} error={error} className={className}>
      {(control) => (
        <textarea
          rows={rows}
          {...textareaProps}
          {...control}
          className={`${controlBase} ${control["aria-invalid"] ? controlInvalid : controlValid} rounded-md`}
        />
      )}
    </Field>
  );
}

type CheckboxFieldProps = FieldOwnProps & Omit<InputHTMLAttributes<HTMLInputElement>, "className" | "type">;

/** A checkbox with its label on the right; hint and error sit under the label. */
export function CheckboxField({ id, label, hint, error, className, ...inputProps }: CheckboxFieldProps) {
  const generatedId = useId();
  const controlId = id ?? generatedId;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  const messages = toMessages(error);
  const isInvalid = messages.length > 0;
  const describedBy = [hint ? hintId : null, isInvalid ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className={`flex gap-3 ${className ?? ""}`}>
      <input
        {...inputProps}
        id={controlId}
        type="checkbox"
        aria-describedby={describedBy || undefined}
        aria-invalid={isInvalid ? true : undefined}
        className="mt-0.5 size-4 shrink-0 rounded border-slate-300 accent-brand-600 dark:border-slate-700"
      />
      <div className="min-w-0">
        <label htmlFor={controlId} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
          {label}
        </label>
        {hint ? (
          <p id={hintId} className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
            {hint}
          </p>
        ) : null}
        {isInvalid ? (
          <p id={errorId} className="mt-1 text-sm text-red-700 dark:text-red-400">
            {messages.join(" ")}
          </p>
        ) : null}
      </div>
    </div>
  );
}
