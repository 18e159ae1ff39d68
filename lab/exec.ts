/**
 * Async process helpers for the lab (the sync `run`/`runOk` of test/rules/netns.ts block the event loop, and
 * `up` starts daemons in several namespaces at once). Fixed argv only: no shell.
 */
import { execFile } from "node:child_process";

import type { RunResult } from "@/test/rules/netns";

export function runAsync(command: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: "utf8", maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ status, stdout, stderr: status === null && stderr === "" ? String(error) : stderr });
    });
  });
}

export async function runAsyncOk(command: string, args: readonly string[]): Promise<string> {
  const result = await runAsync(command, args);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or `timeoutMs` passes; throws with `what` on timeout. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** True if a process with this id exists. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
