import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { defineCommand, isUsageParseError, parseCommandArgs } from "./args";

const options = { json: { type: "boolean" }, name: { type: "string" } } as const;

function parseError(args: string[]): unknown {
  try {
    parseCommandArgs(options, args);
    return null;
  } catch (error) {
    return error;
  }
}

describe("command options", () => {
  it("reads a boolean flag as true and leaves it undefined when absent", () => {
    expect(parseCommandArgs(options, ["--json"]).values).toEqual({ json: true });
    expect(parseCommandArgs(options, ["--name", "pbx-1"]).values).toEqual({ name: "pbx-1" });
    expect(parseCommandArgs(options, ["--json", "--name=pbx-1", "extra"])).toEqual({ values: { json: true, name: "pbx-1" }, positionals: ["extra"] });
  });

  it("does not let a flag swallow the next word", () => {
    expect(parseCommandArgs(options, ["--json", "list"])).toEqual({ values: { json: true }, positionals: ["list"] });
  });

  it("refuses a value for a flag, a missing string value and an unknown option as usage errors", () => {
    for (const args of [["--json=yes"], ["--name"], ["--verbose"]]) {
      const error = parseError(args);
      expect(isUsageParseError(error), args.join(" ")).toBe(true);
    }
  });

  it("hands the handler its typed values", async () => {
    let seen: unknown;
    const command = defineCommand(options, async (values) => {
      seen = { json: values.json === true, name: values.name };
    });
    await command.run(parseCommandArgs(command.options, ["--json", "--name", "x"]).values, []);
    expect(seen).toEqual({ json: true, name: "x" });
  });

  it("refuses an argument holding a control character or an unpaired surrogate as a usage error", () => {
    for (const args of [["--name", "pbx\u0001"], ["--name=a\nb"], ["extra\ud800"]]) {
      const error = parseError(args);
      expect(isAppError(error) && error.status, JSON.stringify(args)).toBe(422);
    }
    expect(parseCommandArgs(options, ["--name", "Zürich 😀"]).values).toEqual({ name: "Zürich 😀" });
  });
});
