/**
 * Writes rendered artefacts to a directory: one of the two files in lib/rules that touch the file system
 * (geo-data.ts reads the GeoIP dataset). For the CLI and the deploy step; the compiler itself stays pure.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";

/** Relative paths of plain segments only: no absolute paths, "..", "." or empty segments. */
const SAFE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Writes every file under `dir` (created if needed), each via a temporary file and rename, so a reader never
 * sees half a file. Refuses any path that could leave `dir`. Returns the written paths, sorted.
 */
export async function writeArtefacts(dir: string, files: Readonly<Record<string, string>>): Promise<string[]> {
  const root = resolve(dir);
  const paths = Object.keys(files).sort();
  for (const path of paths) {
    if (!SAFE_PATH.test(path) || path.split("/").some((segment) => segment === "." || segment === "..")) {
      throw new Error(`Refusing to write artefact path ${JSON.stringify(path)}.`);
    }
  }
  const written: string[] = [];
  for (const path of paths) {
    const target = resolve(join(root, path));
    if (!target.startsWith(root + sep)) throw new Error(`Refusing to write outside ${root}: ${path}`);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.tmp-${process.pid}`;
    await writeFile(temporary, files[path] as string, { encoding: "utf8", mode: 0o644 });
    await rename(temporary, target);
    written.push(target);
  }
  return written;
}
