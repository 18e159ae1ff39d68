import { parseArgs } from "node:util";
import { AppError } from "@/lib/errors";
import { findUnsafeCharacter, unsafeTextMessage } from "@/lib/validation/text";

// Option parsing of `rampart <command>`: node's parseArgs in strict mode (unknown options, a missing value
// and a value given to a flag are errors with code ERR_PARSE_ARGS_*), typed per command.

export type OptionSpec = { type: "string" } | { type: "boolean" };
export type OptionSpecs = Record<string, OptionSpec>;

/** What a command receives: string options as text, boolean options as true; absent ones undefined. */
export type OptionValues<O extends OptionSpecs> = { [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : string };

export type ParsedValues = Record<string, string | boolean | undefined>;

export interface Command {
  options: OptionSpecs;
  run: (values: ParsedValues, positionals: string[]) => Promise<void>;
}

/** A command whose handler sees its own options' types. */
export function defineCommand<const O extends OptionSpecs>(options: O, run: (values: OptionValues<O>, positionals: string[]) => Promise<void>): Command {
  return { options, run: (values, positionals) => run(values as OptionValues<O>, positionals) };
}

/**
 * Parses a command's arguments; throws parseArgs' TypeError (code ERR_PARSE_ARGS_*) on bad usage, and a
 * VALIDATION AppError (a usage error too, exit 2) for an argument holding a control character or an unpaired
 * surrogate: no option of any command takes one, and it would otherwise reach the database or a file.
 */
export function parseCommandArgs(options: OptionSpecs, args: string[]): { values: ParsedValues; positionals: string[] } {
  args.forEach((arg, index) => {
    const found = findUnsafeCharacter(arg);
    if (found !== null) throw new AppError("VALIDATION", `argument ${index + 1}: ${unsafeTextMessage(found)}`);
  });
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  return { values: values as ParsedValues, positionals };
}

/** Whether an error is parseArgs' report of bad usage (unknown option, missing value, value for a flag). */
export function isUsageParseError(error: unknown): error is TypeError {
  return error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS");
}
