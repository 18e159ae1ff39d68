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

export interface AgiRequest {
  args: string[];
  accountCode?: string;
  uniqueId?: string;
}

/** What Asterisk writes to the script: its environment, a blank line, then an answer to each command. */
function agiInput(request: AgiRequest): string {
  const env = [
    "agi_request: rampart-guard-agi.sh",
    "agi_channel: PJSIP/1001-00000001",
    `agi_uniqueid: ${request.uniqueId ?? "node1-1.1"}`,
    `agi_accountcode: ${request.accountCode ?? ""}`,
    ...request.args.map((arg, i) => `agi_arg_${i + 1}: ${arg}`),
    "",
  ];
  return [...env, ...Array.from({ length: 8 }, () => "200 result=1"), ""].join("\n");
}

function agiEnv(root: string, now: number | null): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", RAMPART_GUARD_ROOT: root, ...(now === null ? {} : { RAMPART_GUARD_NOW: String(now) }) } as unknown as NodeJS.ProcessEnv;
}

function agiVariables(stdout: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const m = /^SET VARIABLE (\S+) "(.*)"$/.exec(line);
    if (m) variables[m[1]!] = m[2]!;
  }
  return variables;
}

/** Runs one AGI request against the guard root `root` (its /var/lib/rampart) at Unix time `now` (null: the script's own clock). */
export function runGuardAgi(root: string, now: number | null, request: AgiRequest): AgiRun {
  const result = spawnSync("dash", [AGI_SCRIPT], { input: agiInput(request), encoding: "utf8", env: agiEnv(root, now) });
  return { variables: agiVariables(result.stdout), status: result.status ?? -1, stderr: result.stderr };
}

/** runGuardAgi, in a child process of its own: several run at once, as parallel calls do on a node. */
export function runGuardAgiAsync(root: string, now: number, request: AgiRequest): Promise<AgiRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("dash", [AGI_SCRIPT], { env: agiEnv(root, now) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (status) => resolve({ variables: agiVariables(stdout), status: status ?? -1, stderr }));
    child.stdin.end(agiInput(request));
  });
}
