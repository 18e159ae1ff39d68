// The before/after view of an audit entry: both JSON values flattened to dotted keys and compared key by
// key, so the page can list every field and highlight what changed. Pure; unit-tested next to it.

export type DiffChange = "added" | "removed" | "changed" | "unchanged";

export interface DiffRow {
  /** Dotted path of the field ("" for a value that is not an object). */
  key: string;
  /** The value as JSON text; undefined when the side does not have the field. */
  before?: string;
  after?: string;
  change: DiffChange;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON text with object keys sorted, so that equal values compare equal whatever their key order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Leaves of nested objects under dotted keys; arrays and nested empty objects are leaves. */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (isPlainObject(value) && (Object.keys(value).length > 0 || prefix === "")) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

const display = (value: unknown) => (typeof value === "string" ? JSON.stringify(value) : stableStringify(value));

/**
 * Field-by-field comparison of an entry's before and after (null or undefined: the side does not exist, as
 * for creations and deletions), in field-name order (jsonb does not keep the order fields were written in).
 */
export function diffAuditValues(before: unknown, after: unknown): DiffRow[] {
  const hasBefore = before !== null && before !== undefined;
  const hasAfter = after !== null && after !== undefined;
  if (!hasBefore && !hasAfter) return [];
  const left = hasBefore ? flatten(before, "", new Map()) : new Map<string, unknown>();
  const right = hasAfter ? flatten(after, "", new Map()) : new Map<string, unknown>();
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((key) => {
    const inLeft = left.has(key);
    const inRight = right.has(key);
    const row: DiffRow = { key, change: "unchanged" };
    if (inLeft) row.before = display(left.get(key));
    if (inRight) row.after = display(right.get(key));
    if (!inLeft) row.change = "added";
    else if (!inRight) row.change = "removed";
    else if (stableStringify(left.get(key)) !== stableStringify(right.get(key))) row.change = "changed";
    return row;
  });
}

/** How many fields differ (added, removed or changed). */
export function countChanges(rows: readonly DiffRow[]): number {
  return rows.filter((row) => row.change !== "unchanged").length;
}
