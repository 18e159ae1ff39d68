import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { writeArtefacts } from "./write";

let dir: string | null = null;
afterEach(async () => {
  if (dir !== null) await rm(dir, { recursive: true, force: true });
  dir = null;
});

describe("writeArtefacts", () => {
  it("writes nested files and returns their paths, sorted", async () => {
    dir = await mkdtemp(join(tmpdir(), "rampart-write-"));
    const written = await writeArtefacts(dir, { "b.txt": "b", "fail2ban/jail.d/x.local": "x\n" });
    expect(written).toEqual([join(dir, "b.txt"), join(dir, "fail2ban/jail.d/x.local")]);
    expect(await readFile(join(dir, "fail2ban/jail.d/x.local"), "utf8")).toBe("x\n");
  });
  it.each(["../x", "/etc/passwd", "a/../../x", "a//b", "./a", ".hidden", "a/b/", ""])("refuses %j", async (path) => {
    dir = await mkdtemp(join(tmpdir(), "rampart-write-"));
    await expect(writeArtefacts(dir, { [path]: "x" })).rejects.toThrow(/Refusing/);
  });
});
