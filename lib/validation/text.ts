import { z } from "zod";
import { AppError } from "@/lib/errors";

// The one rule for the characters of text that crosses a boundary (JSON bodies, query strings, path ids,
// cursors, form fields, CLI arguments, imported files). Why it exists: PostgreSQL text cannot hold NUL (the
// query fails), UTF-8 cannot encode a lone UTF-16 surrogate (the driver silently writes U+FFFD and jsonb
// refuses it), and no Rampart field means a control character. Refusing them where text enters keeps every
// one of those a clear 422 instead of a 500 or a silently changed value.

export interface TextRules {
  /** Allow line feed, carriage return and tab: only fields that document several lines (descriptions, imports). */
  isMultiline?: boolean;
}

/** A description of a character for messages: `U+0000`. */
function codePointName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

function isAllowedControl(code: number, rules: TextRules): boolean {
  return rules.isMultiline === true && (code === 0x09 || code === 0x0a || code === 0x0d);
}

/** Every character of `text` no field may hold: C0 controls and DEL (line breaks and tabs only in multi-line fields), unpaired surrogates. */
function* unsafeCharacters(text: string, rules: TextRules): Generator<{ index: number; code: number; kind: "control" | "surrogate" }> {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      if (!isAllowedControl(code, rules)) yield { index: i, code, kind: "control" };
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
      else yield { index: i, code, kind: "surrogate" };
    }
  }
}

/**
 * Why `text` may not be stored, or null: the first C0 control character or DEL (line breaks and tabs only in
 * multi-line fields) or unpaired surrogate, with its position (1-based, in UTF-16 code units).
 */
export function findUnsafeCharacter(text: string, rules: TextRules = {}): string | null {
  for (const { index, code, kind } of unsafeCharacters(text, rules)) {
    return `${kind === "control" ? "a control character" : "an unpaired surrogate"} (${codePointName(code)}) at position ${index + 1}`;
  }
  return null;
}

/** `text` with each character findUnsafeCharacter would name replaced by U+FFFD: refused input, shown safely. */
export function replaceUnsafeCharacters(text: string, rules: TextRules = {}): string {
  let out = "";
  let from = 0;
  for (const { index } of unsafeCharacters(text, rules)) {
    out += `${text.slice(from, index)}\ufffd`;
    from = index + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** The message every boundary gives for unsafe text. */
export function unsafeTextMessage(found: string): string {
  return `Control characters and unpaired surrogates are not allowed here: found ${found}.`;
}

export interface SafeTextOptions extends TextRules {
  /** The message when the value is not a string at all, as `z.string({ error })` takes it. */
  error?: string;
}

/**
 * `z.string()` that refuses control characters and unpaired surrogates: the base of every text field in
 * lib/validation. Chain `.trim()`, `.max()`, `.regex()` as on `z.string()`. The transports name the field.
 */
export function safeText(options: SafeTextOptions = {}) {
  return z.string(options.error === undefined ? undefined : { error: options.error }).superRefine((text, ctx) => {
    const found = findUnsafeCharacter(text, options);
    // No later check of the field runs on such text: one clear message, not several.
    if (found !== null) ctx.addIssue({ code: "custom", message: unsafeTextMessage(found), continue: false });
  });
}

export interface UnsafeValue {
  /** Where in the value: `["entries", 2, "comment"]`; a key is reported by its own path. */
  path: (string | number)[];
  found: string;
}

/**
 * The first string (value or object key) anywhere in parsed JSON or a query that no field may hold. Line breaks
 * and tabs pass here (multi-line fields exist); each field's own schema decides whether it takes them.
 */
export function findUnsafeValue(value: unknown, path: (string | number)[] = [], depth = 0): UnsafeValue | null {
  if (typeof value === "string") {
    const found = findUnsafeCharacter(value, { isMultiline: true });
    return found === null ? null : { path, found };
  }
  // No schema nests more than a few levels, so anything deeper fails its schema anyway: the bound keeps the stack small.
  if (value === null || typeof value !== "object" || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findUnsafeValue(value[i], [...path, i], depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  for (const [key, inner] of Object.entries(value)) {
    const keyFound = findUnsafeCharacter(key, { isMultiline: false });
    if (keyFound !== null) return { path: [...path, key], found: keyFound };
    const hit = findUnsafeValue(inner, [...path, key], depth + 1);
    if (hit) return hit;
  }
  return null;
}

/** Throws a 422 naming the field when `value` (parsed JSON, query parameters, path parameters) holds unsafe text. */
export function assertSafeInput(value: unknown, what: string): void {
  const hit = findUnsafeValue(value);
  if (hit === null) return;
  const field = hit.path.length > 0 ? hit.path.join(".") : "_form";
  const message = unsafeTextMessage(hit.found);
  throw new AppError("VALIDATION", `${what} ${field}: ${message}`, { [field]: [message] });
}
