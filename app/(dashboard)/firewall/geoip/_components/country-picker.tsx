"use client";

import { useEffect, useId, useMemo, useState, type KeyboardEvent } from "react";

import type { CountrySummary } from "@/lib/geo/countries";

// A searchable multi-select (the ARIA combobox pattern with an always-visible multi-select listbox): type to
// filter by name or code; ↑/↓ move through the matches, Enter (or Space once you have moved with the arrows)
// adds or removes the highlighted country, Escape clears the search, Backspace in an empty search removes the
// last chip. Chips have their own remove buttons.

const numberFormat = new Intl.NumberFormat("en-US");

/** Lower case without accents, so "aland" finds "Åland Islands" and "cote" finds "Côte d’Ivoire". */
function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Matches ranked: exact code, then names starting with the query, then names containing it. */
function filterCountries(countries: readonly CountrySummary[], query: string): CountrySummary[] {
  const q = fold(query.trim());
  if (q === "") return [...countries];
  const ranked: { country: CountrySummary; rank: number }[] = [];
  for (const country of countries) {
    const name = fold(country.name);
    const code = country.code.toLowerCase();
    const rank = code === q ? 0 : name.startsWith(q) ? 1 : name.includes(` ${q}`) ? 2 : name.includes(q) ? 3 : -1;
    if (rank >= 0) ranked.push({ country, rank });
  }
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.country);
}

export function formatRanges(country: Pick<CountrySummary, "ipv4Ranges" | "ipv6Ranges">): string {
  return `${numberFormat.format(country.ipv4Ranges)} IPv4 · ${numberFormat.format(country.ipv6Ranges)} IPv6 ranges`;
}

interface CountryPickerProps {
  countries: readonly CountrySummary[];
  selected: readonly string[];
  onChange: (next: string[]) => void;
  isDisabled?: boolean;
  error?: readonly string[];
}

export function CountryPicker({ countries, selected, onChange, isDisabled = false, error }: CountryPickerProps) {
  const id = useId();
  const inputId = `${id}-search`;
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const [query, setQuery] = useState("");
  const [activeIndex, setActiveIndex] = useState(-1);
  const [isNavigating, setIsNavigating] = useState(false);

  const byCode = useMemo(() => new Map(countries.map((c) => [c.code, c])), [countries]);
  const matches = useMemo(() => filterCountries(countries, query), [countries, query]);
  const selectedSet = useMemo(() => new Set(selected), [selected]);
  const active = activeIndex >= 0 ? matches[activeIndex] : undefined;
  const optionId = (code: string) => `${id}-option-${code}`;

  useEffect(() => {
    if (active) document.getElementById(optionId(active.code))?.scrollIntoView({ block: "nearest" });
    // optionId only depends on id, which is stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active]);

  function toggle(code: string) {
    if (isDisabled) return;
    onChange(selectedSet.has(code) ? selected.filter((c) => c !== code) : [...selected, code]);
  }

  function onQueryChange(text: string) {
    setQuery(text);
    setIsNavigating(false);
    setActiveIndex(text.trim() === "" ? -1 : 0);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const last = matches.length - 1;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        setIsNavigating(true);
        setActiveIndex((i) => (last < 0 ? -1 : Math.min(i + 1, last)));
        break;
      case "ArrowUp":
        event.preventDefault();
        setIsNavigating(true);
        setActiveIndex((i) => (last < 0 ? -1 : Math.max(i - 1, 0)));
        break;
      case "Enter":
        // Never submits the surrounding form from the search box.
        event.preventDefault();
        if (active) toggle(active.code);
        break;
      case " ":
        if (isNavigating && active) {
          event.preventDefault();
          toggle(active.code);
        }
        break;
      case "Escape":
        if (query !== "") {
          event.preventDefault();
          onQueryChange("");
        }
        break;
      case "Backspace":
        if (query === "" && selected.length > 0) onChange(selected.slice(0, -1));
        break;
    }
  }

  const describedBy = [hintId, error && error.length > 0 ? errorId : null].filter(Boolean).join(" ");

  return (
    <div>
      <label htmlFor={inputId} className="block text-sm font-medium">
        Allowed countries
      </label>

      {selected.length > 0 ? (
        <ul aria-label="Selected countries" className="mt-2 flex flex-wrap gap-2">
          {selected.map((code) => {
            const country = byCode.get(code);
            const name = country?.name ?? code;
            return (
              <li
                key={code}
                className="inline-flex items-center gap-1 rounded-full bg-brand-50 py-1 pr-1 pl-3 text-sm text-brand-700 ring-1 ring-brand-600/20 ring-inset dark:bg-brand-500/15 dark:text-brand-100"
              >
                <span>
                  {name} <span className="font-mono text-xs">{code}</span>
                  {country ? null : <span className="text-xs"> (no data)</span>}
                </span>
                <button
                  type="button"
                  disabled={isDisabled}
                  onClick={() => toggle(code)}
                  aria-label={`Remove ${name}`}
                  className="inline-flex size-6 items-center justify-center rounded-full hover:bg-brand-100 disabled:opacity-50 dark:hover:bg-brand-500/30"
                >
                  <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
                    <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
                  </svg>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}

      <input
        id={inputId}
        type="text"
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={active ? optionId(active.code) : undefined}
        aria-describedby={describedBy}
        aria-invalid={error && error.length > 0 ? true : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder="Search by name or code, e.g. Italy or IT"
        disabled={isDisabled}
        value={query}
        onChange={(e) => onQueryChange(e.target.value)}
        onKeyDown={onKeyDown}
        className={`mt-2 block w-full rounded-t-md border bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 disabled:cursor-not-allowed disabled:bg-slate-50 dark:bg-slate-950 dark:placeholder:text-slate-500 dark:disabled:bg-slate-900 ${
          error && error.length > 0 ? "border-red-500" : "border-slate-300 dark:border-slate-700"
        }`}
      />
      <ul
        id={listId}
        role="listbox"
        aria-multiselectable="true"
        aria-label="Countries"
        className="max-h-72 overflow-y-auto rounded-b-md border border-t-0 border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-950"
      >
        {matches.length === 0 ? (
          <li role="presentation" className="px-3 py-3 text-sm text-slate-500 dark:text-slate-400">
            No country matches “{query.trim()}”.
          </li>
        ) : (
          matches.map((country, index) => {
            const isSelected = selectedSet.has(country.code);
            const isActive = index === activeIndex;
            return (
              <li
                key={country.code}
                id={optionId(country.code)}
                role="option"
                aria-selected={isSelected}
                aria-disabled={isDisabled || undefined}
                onClick={() => {
                  setActiveIndex(index);
                  toggle(country.code);
                }}
                onMouseMove={() => {
                  if (!isActive) setActiveIndex(index);
                }}
                className={`flex cursor-pointer items-center gap-3 px-3 py-2 text-sm ${
                  isActive ? "bg-brand-50 dark:bg-brand-500/15" : ""
                } ${isDisabled ? "cursor-not-allowed opacity-60" : ""}`}
              >
                <span
                  aria-hidden="true"
                  className={`flex size-4 shrink-0 items-center justify-center rounded border ${
                    isSelected ? "border-brand-600 bg-brand-600 text-white" : "border-slate-400 dark:border-slate-600"
                  }`}
                >
                  {isSelected ? (
                    <svg viewBox="0 0 20 20" fill="currentColor" className="size-3">
                      <path d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.58l7.3-7.3a1 1 0 0 1 1.4 0Z" />
                    </svg>
                  ) : null}
                </span>
                <span className="min-w-0 flex-1 sm:flex sm:items-baseline sm:justify-between sm:gap-3">
                  <span className="block truncate">
                    {country.name} <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{country.code}</span>
                  </span>
                  <span className="block shrink-0 text-xs text-slate-500 tabular-nums dark:text-slate-400">{formatRanges(country)}</span>
                </span>
              </li>
            );
          })
        )}
      </ul>
      <p id={hintId} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
        ↑ and ↓ move through the list; Enter adds or removes the highlighted country. {matches.length} of {countries.length} countries shown.
      </p>
      {error && error.length > 0 ? (
        <p id={errorId} className="mt-1 text-sm text-red-700 dark:text-red-400">
          {error.join(" ")}
        </p>
      ) : null}
    </div>
  );
}
