import { useState } from "react";

// The checked rows of a table page. The set outlives a page change (the rows' keys stay in it), but what the
// table acts on is only what is still on the page: `selection`.

export interface RowSelection {
  /** The selected keys that are on the page, in the order they were selected. */
  selection: string[];
  isSelected: (key: string) => boolean;
  /** At least one row, and every row of the page selected (the header checkbox). */
  isAllSelected: boolean;
  toggle: (key: string, isOn: boolean) => void;
  /** Selects exactly the page's rows, or nothing. */
  toggleAll: (isOn: boolean) => void;
  clear: () => void;
}

export function useRowSelection(visibleKeys: readonly string[]): RowSelection {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const visible = new Set(visibleKeys);
  const selection = [...selected].filter((key) => visible.has(key));

  function toggle(key: string, isOn: boolean) {
    setSelected((current) => {
      const next = new Set(current);
      if (isOn) next.add(key);
      else next.delete(key);
      return next;
    });
  }

  return {
    selection,
    isSelected: (key) => selected.has(key),
    isAllSelected: visibleKeys.length > 0 && selection.length === visibleKeys.length,
    toggle,
    toggleAll: (isOn) => setSelected(isOn ? new Set(visibleKeys) : new Set()),
    clear: () => setSelected(new Set()),
  };
}
