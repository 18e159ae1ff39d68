/**
 * Instants as the dashboard writes them: "2025-01-31 14:05 UTC", one unambiguous form on the server and in
 * every browser (no locale, no time zone guessing). Tables that say "(UTC)" in their header leave the zone
 * out of each cell.
 */

export interface InstantFormat {
  /** Seconds too ("14:05:09"); by default minutes. */
  hasSeconds?: boolean;
  /** Append " UTC" (default); false where the column header says it. */
  hasZone?: boolean;
}

export function formatInstant(value: string | Date, { hasSeconds = false, hasZone = true }: InstantFormat = {}): string {
  const iso = toIso(value);
  const text = `${iso.slice(0, 10)} ${iso.slice(11, hasSeconds ? 19 : 16)}`;
  return hasZone ? `${text} UTC` : text;
}

/** formatInstant, or `fallback` ("Never", "—") when there is no time. */
export function formatInstantOr(value: string | Date | null | undefined, fallback: string, format?: InstantFormat): string {
  return value ? formatInstant(value, format) : fallback;
}

/** The instant as toISOString writes it (for `<time dateTime>`); throws on text that is not an instant. */
export function toIso(value: string | Date): string {
  return (typeof value === "string" ? new Date(value) : value).toISOString();
}
