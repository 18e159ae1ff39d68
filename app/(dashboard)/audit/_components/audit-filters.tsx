"use client";

import { ButtonLink, Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

export interface AuditFilterValues {
  actor: string;
  action: string;
  objectType: string;
  objectId: string;
  from: string;
  to: string;
}

interface AuditFiltersProps {
  values: AuditFilterValues;
  errors: Record<string, string[]>;
  suggestions: { actors: string[]; actions: string[]; objectTypes: string[] };
  isFiltered: boolean;
}

function Suggestions({ id, values }: { id: string; values: string[] }) {
  return (
    <datalist id={id}>
      {values.map((value) => (
        <option key={value} value={value} />
      ))}
    </datalist>
  );
}

/**
 * The filters as a plain GET form: the URL holds the query, so a filtered view can be bookmarked or shared,
 * and the form works before (and without) JavaScript.
 */
export function AuditFilters({ values, errors, suggestions, isFiltered }: AuditFiltersProps) {
  return (
    <form method="get" action="/audit" role="search" aria-label="Filter the audit log" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      <TextField
        label="User"
        name="actor"
        defaultValue={values.actor}
        list="audit-actors"
        autoComplete="off"
        spellCheck={false}
        hint="E-mail, token:<name>, cli:<user> or system; part of it is enough."
        error={errors.actor}
      />
      <TextField
        label="Action"
        name="action"
        defaultValue={values.action}
        list="audit-actions"
        autoComplete="off"
        spellCheck={false}
        hint="e.g. user.create, or user for every user.* action."
        error={errors.action}
      />
      <TextField
        label="Object type"
        name="objectType"
        defaultValue={values.objectType}
        list="audit-object-types"
        autoComplete="off"
        spellCheck={false}
        hint="e.g. user, api-token, tenant."
        error={errors.objectType}
      />
      <TextField label="Object id" name="objectId" defaultValue={values.objectId} autoComplete="off" spellCheck={false} error={errors.objectId} />
      <TextField label="From (UTC)" name="from" type="datetime-local" step={1} defaultValue={values.from} error={errors.from} />
      <TextField label="To (UTC)" name="to" type="datetime-local" step={1} defaultValue={values.to} error={errors.to} />
      <Suggestions id="audit-actors" values={suggestions.actors} />
      <Suggestions id="audit-actions" values={suggestions.actions} />
      <Suggestions id="audit-object-types" values={suggestions.objectTypes} />
      <div className="flex flex-wrap items-end gap-2 sm:col-span-2 lg:col-span-3">
        <Button type="submit">Apply filters</Button>
        {isFiltered ? (
          <ButtonLink href="/audit" variant="secondary">
            Clear filters
          </ButtonLink>
        ) : null}
      </div>
    </form>
  );
}
