import { useId, type ReactNode } from "react";

// A labelled group of radio buttons (a fieldset, so the legend names every option for screen readers); arrow
// keys move between the options, as browsers do for radios of one name.

export interface RadioOption {
  value: string;
  label: string;
  hint?: ReactNode;
}

interface RadioGroupProps {
  name: string;
  legend: string;
  description?: ReactNode;
  options: readonly RadioOption[];
  defaultValue: string;
  error?: readonly string[];
  className?: string;
}

export function RadioGroup({ name, legend, description, options, defaultValue, error, className }: RadioGroupProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const descriptionId = `${id}-description`;
  const describedBy = [description ? descriptionId : null, error?.length ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset className={className} aria-describedby={describedBy} aria-invalid={error?.length ? true : undefined}>
      <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">{legend}</legend>
      {description ? (
        <p id={descriptionId} className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
          {description}
        </p>
      ) : null}
      <div className="mt-2 space-y-2">
        {options.map((option) => {
          const optionId = `${id}-${option.value || "inherit"}`;
          return (
            <div key={option.value} className="flex gap-3">
              <input
                id={optionId}
                type="radio"
                name={name}
                value={option.value}
                defaultChecked={option.value === defaultValue}
                aria-describedby={option.hint ? `${optionId}-hint` : undefined}
                className="mt-0.5 size-4 shrink-0 accent-brand-600"
              />
              <div className="min-w-0">
                <label htmlFor={optionId} className="block text-sm text-slate-900 dark:text-slate-100">
                  {option.label}
                </label>
                {option.hint ? (
                  <p id={`${optionId}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
                    {option.hint}
                  </p>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
      {error?.length ? (
        <p id={errorId} className="mt-1 text-sm text-red-700 dark:text-red-400">
          {error.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}
