import { describe, expect, it } from "vitest";
import { checkAddressLines } from "./address";

const parse = (input: string) => checkAddressLines(input).map((line) => JSON.parse(line) as Record<string, unknown>);

describe("address check", () => {
  it("answers every line in order, empty lines included", () => {
    const out = parse("10.0.0.0/8\n\n2001:DB8::/32\n");
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ input: "10.0.0.0/8", ok: true, canonical: "10.0.0.0/8", family: 4 });
    expect(out[1]).toMatchObject({ input: "", ok: false });
    expect(out[2]).toEqual({ input: "2001:DB8::/32", ok: true, canonical: "2001:db8::/32", family: 6 });
  });

  it("keeps input exactly as given, without trimming", () => {
    const out = parse(" 10.0.0.1\n10.0.0.1\r\n");
    expect(out[0]).toMatchObject({ input: " 10.0.0.1", ok: false });
    expect(out[1]).toMatchObject({ input: "10.0.0.1\r", ok: false });
  });

  it("treats a missing final newline the same", () => {
    expect(parse("1.2.3.4")).toEqual([{ input: "1.2.3.4", ok: true, canonical: "1.2.3.4", family: 4 }]);
  });
});
