"use client";

import { useId, type ReactNode } from "react";
import { CheckboxField } from "@/components/ui/field";

interface NodeTargetPickerProps<Kind extends string> {
  /** The choices, in order: the value and its label. "nodes" shows the node check boxes. */
  kinds: ReadonlyArray<readonly [Kind | "nodes", string]>;
  kind: Kind | "nodes";
  onKind: (kind: Kind | "nodes") => void;
  /** Enabled nodes, by name. */
  names: readonly string[];
  selected: readonly string[];
  onSelected: (names: string[]) => void;
  /** What the nodes are chosen for, for screen readers ("Nodes to push to"). */
  nodesLegend: string;
  /** Under the check boxes (e.g. the field's error). */
  nodesFooter?: ReactNode;
}

/** Which nodes a push goes to: radio buttons for the kinds, check boxes of node names when "nodes" is chosen. */
export function NodeTargetPicker<Kind extends string>({ kinds, kind, onKind, names, selected, onSelected, nodesLegend, nodesFooter }: NodeTargetPickerProps<Kind>) {
  const groupId = useId();
  return (
    <>
      <fieldset>
        <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">Nodes</legend>
        <div className="mt-2 space-y-2">
          {kinds.map(([value, label]) => (
            <label key={value} className="flex items-center gap-2 text-sm">
              <input type="radio" name={`${groupId}-target`} value={value} checked={kind === value} onChange={() => onKind(value)} className="accent-brand-600" />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      {kind === "nodes" ? (
        <fieldset className="max-h-48 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-3 dark:border-slate-800">
          <legend className="sr-only">{nodesLegend}</legend>
          {names.map((name) => (
            <CheckboxField
              key={name}
              label={name}
              checked={selected.includes(name)}
              onChange={(event) => onSelected(event.target.checked ? [...selected, name] : selected.filter((n) => n !== name))}
            />
          ))}
          {nodesFooter}
        </fieldset>
      ) : null}
    </>
  );
}
