// The one size limit of an address-list import, shared by the REST API (which the dashboard's import dialog
// posts to as well), the import schema, the CLI and the dashboard's file picker. Plain JavaScript so that
// any configuration file can read it too; ./import-limit.d.mts gives its types.

/** Largest import text, in bytes of UTF-8 (a string's length in UTF-16 code units is never larger): 40 MiB. */
export const MAX_IMPORT_BYTES = 40 * 1024 * 1024;

/**
 * Largest request body that carries an import: the text plus its envelope (a JSON string escapes each line break
 * and quote, about one byte per line), so a text at the limit still arrives
 * and is refused, if at all, by the import's own check with its own message.
 */
export const MAX_IMPORT_REQUEST_BYTES = Math.ceil(MAX_IMPORT_BYTES * 1.25) + 1024 * 1024;
