// The one result shape of every node-output parser in lib/observe: what parsed, and every line that did not.
// A line that fails is reported with its reason and never passed on, so a changed tool version shows up as
// rejected lines in the node snapshot instead of as wrong data.

export interface RejectedLine {
  /** 1-based line number within the text given to the parser. */
  line: number;
  /** The line, cut to 200 characters (node output can hold anything). */
  text: string;
  reason: string;
}

export interface Parsed<T> {
  items: T[];
  rejected: RejectedLine[];
}

const MAX_ECHO = 200;

export function rejectLine(line: number, text: string, reason: string): RejectedLine {
  return { line, text: text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text, reason };
}

/** Lines without their terminators; a trailing newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** What a line parser returns for a line that matched the pattern but holds bad values. */
export class LineRejection {
  constructor(readonly reason: string) {}
}

/**
 * The loop every line-oriented parser shares: blank lines are skipped, a line that does not match `pattern`
 * is rejected as not being `shape`, and `parseLine` turns a match into an item or a LineRejection.
 */
export function parseMatchingLines<T>(text: string, pattern: RegExp, shape: string, parseLine: (match: RegExpExecArray) => T | LineRejection): Parsed<T> {
  const items: T[] = [];
  const rejected: RejectedLine[] = [];
  splitLines(text).forEach((line, index) => {
    if (line.trim() === "") return;
    const match = pattern.exec(line);
    const result = match ? parseLine(match) : new LineRejection(`not “${shape}”`);
    if (result instanceof LineRejection) rejected.push(rejectLine(index + 1, line, result.reason));
    else items.push(result);
  });
  return { items, rejected };
}
