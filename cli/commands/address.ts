import { parseNetwork } from "@/lib/net/parse";

/** One JSON object per input line, in order; lines are taken exactly as given (only "\n" separates them). */
export function checkAddressLines(input: string): string[] {
  const lines = input.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop(); // the newline that ends the last line
  return lines.map((line) => {
    const result = parseNetwork(line);
    return JSON.stringify(
      result.ok
        ? { input: line, ok: true, canonical: result.value.canonical, family: result.value.family }
        : { input: line, ok: false, error: result.error },
    );
  });
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
