// Row ids are PostgreSQL UUIDs. Ids from URLs and request bodies are checked before they reach a query
// (a malformed one is "not found" or a field error, never a database error); ids Rampart writes into files
// for a node must be the canonical lower-case form.

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CANONICAL_UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A UUID in any letter case, as PostgreSQL accepts it. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** A UUID as PostgreSQL prints it (lower case). */
export function isCanonicalUuid(value: string): boolean {
  return CANONICAL_UUID_PATTERN.test(value);
}
