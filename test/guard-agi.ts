import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The call path script, run the way Asterisk runs an AGI: the agi_* environment on stdin, one answer per command. */
export const AGI_SCRIPT = fileURLToPath(new URL("../lib/guard/rampart-guard-agi.sh", import.meta.url));

export interface AgiRun {
  /** Channel variables the script set, by name. */
  variables: Record<string, string>;
  status: number;
  stderr: string;
}

/** Runs one AGI request against the guard root `root` (its /var/lib/rampart) at Unix time `now` (null: the script's own clock). */
export function runGuardAgi(root: string, now: number | null, request: { args: string[]; accountCode?: string; uniqueId?: string }): AgiRun {
  const env = [
    "agi_request: rampart-guard-agi.sh",
    "agi_channel: PJSIP/1001-00000001",
    `agi_uniqueid: ${request.uniqueId ?? "node1-1.1"}`,
    `agi_accountcode: ${request.accountCode ?? ""}`,
    ...request.args.map((arg, i) => `agi_arg_${i + 1}: ${arg}`),
    "",
  ];
  const answers = Array.from({ length: 8 }, () => "200 result=1");
  const result = spawnSync("dash", [AGI_SCRIPT], {
    input: [...env, ...answers, ""].join("\n"),
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", RAMPART_GUARD_ROOT: root, ...(now === null ? {} : { RAMPART_GUARD_NOW: String(now) }) } as unknown as NodeJS.ProcessEnv,
  });
  const variables: Record<string, string> = {};
  for (const line of result.stdout.split("\n")) {
    const m = /^SET VARIABLE (\S+) "(.*)"$/.exec(line);
    if (m) variables[m[1]!] = m[2]!;
  }
  return { variables, status: result.status ?? -1, stderr: result.stderr };
}

/** runGuardAgi, in a child process of its own: several run at once, as parallel calls do on a node. */
export function runGuardAgiAsync(root: string, now: number, request: { args: string[]; accountCode?: string; uniqueId?: string }): Promise<AgiRun> {
  const env = [
    "agi_request: rampart-guard-agi.sh",
    `agi_uniqueid: ${request.uniqueId ?? "node1-1.1"}`,
    `agi_accountcode: ${request.accountCode ?? ""}`,
    ...request.args.map((arg, i) => `agi_arg_${i + 1}: ${arg}`),
    "",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("dash", [AGI_SCRIPT], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", RAMPART_GUARD_ROOT: root, RAMPART_GUARD_NOW: String(now) } as unknown as NodeJS.ProcessEnv });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (status) => {
      const variables: Record<string, string> = {};
      for (const line of stdout.split("\n")) {
        const m = /^SET VARIABLE (\S+) "(.*)"$/.exec(line);
        if (m) variables[m[1]!] = m[2]!;
      }
      resolve({ variables, status: status ?? -1, stderr });
    });
    child.stdin.end([...env, ...Array.from({ length: 8 }, () => "200 result=1"), ""].join("\n"));
  });
}
