import { SelectField } from "@/components/ui/field";
import type { CurrencyOption } from "@/lib/validation/call-limits";

interface CurrencySelectProps {
  name?: string;
  label?: string;
  defaultValue: string;
  /** Built on the server (listCurrencyOptions) so server and browser render the same names. */
  options: readonly CurrencyOption[];
  error?: readonly string[];
  disabled?: boolean;
  className?: string;
}

export function CurrencySelect({ name = "currency", label = "Currency", defaultValue, options, error, disabled, className }: CurrencySelectProps) {
  return (
    <SelectField name={name} label={label} defaultValue={defaultValue} error={error} disabled={disabled} className={className}>
      {options.map((option) => (
        <option key={option.code} value={option.code}>
          {option.code} – {option.name}
        </option>
      ))}
    </SelectField>
  );
}
