import { join } from "node:path";
import type { NextConfig } from "next";
import { describe, expect, it } from "vitest";
import { MAX_IMPORT_TEXT_LENGTH } from "@/lib/validation/address-entry";
import { MAX_IMPORT_BYTES, MAX_IMPORT_REQUEST_BYTES } from "./import-limit.mjs";

describe("the one import limit", () => {
  it("is what the import schema allows, with no Next.js body limit in front of it", async () => {
    // next.config.js is plain JavaScript without types: loaded by path, typed here. Imports reach the API
    // routes (the proxy does not run for them), so no experimental body-size option is needed or set.
    const { default: nextConfig } = (await import(/* @vite-ignore */ join(process.cwd(), "next.config.js"))) as { default: NextConfig };
    expect(nextConfig.experimental).toBeUndefined();
    expect(MAX_IMPORT_TEXT_LENGTH).toBe(MAX_IMPORT_BYTES);
  });

  it("leaves room for the envelope of a text at the limit made of the shortest lines", () => {
    // "1.2.3.4\n" lines: JSON escapes every line break, the densest envelope an import meets.
    const line = "1.2.3.4\n";
    const text = line.repeat(Math.floor(MAX_IMPORT_BYTES / line.length));
    const envelope = Buffer.byteLength(JSON.stringify({ text, format: "auto", comment: "", allowCovered: false, confirmBroad: false }));
    expect(envelope).toBeLessThan(MAX_IMPORT_REQUEST_BYTES);
  });
});
