/**
 * `tsx lab/push-and-die.ts NODE TIMER [STAGE NAMESPACE NODE_DIR]`: a panel process killed mid-push, for the
 * fault labs. It pushes the current policy to NODE through the code the dashboard and the CLI use and SIGKILLs
 * itself at STAGE (default "timer"):
 *   upload, validate   as the stage begins
 *   apply              150 ms into the apply (the node's detached apply carries on)
 *   timer              once the apply is recorded, before the confirmation starts
 *   confirm            during the confirm command: the node lock is held for 3 s (so the command waits on it)
 *                      and the process dies 1.5 s in; the node then confirms with nobody to answer
 * The deployment is left in flight with its lease held, as a crash leaves it. Needs the environment the lab
 * tests set (DATABASE_URL, RAMPART_SECRET_KEY, ...). Lab only.
 */
import { spawn } from "node:child_process";

import { startPush } from "@/lib/deploy/batch";

import { nodeExecArgv } from "./cluster";

const STAGES = ["upload", "validate", "apply", "timer", "confirm"] as const;
type Stage = (typeof STAGES)[number];

const die = () => process.kill(process.pid, "SIGKILL");

async function main(): Promise<void> {
  const [node, timer, stageText = "timer", namespace, nodeDir] = process.argv.slice(2);
  const stage = stageText as Stage;
  if (node === undefined || !/^\d+$/.test(timer ?? "") || !STAGES.includes(stage)) throw new Error("usage: push-and-die.ts NODE TIMER_SECONDS [STAGE NAMESPACE NODE_DIR]");
  if (stage === "confirm" && (namespace === undefined || nodeDir === undefined)) throw new Error("the confirm stage needs the node's namespace and directory");
  const caller = { role: "ADMIN" as const, tenantId: null, actor: { type: "CLI" as const, id: null, label: "push-and-die" } };
  const { done } = await startPush(caller, { target: { kind: "nodes", names: [node] }, timerSeconds: Number(timer) }, {
    onStage: (_name, current) => {
      if (stage === "upload" && current === "upload") die();
      if (stage === "validate" && current === "validate") die();
      if (stage === "apply" && current === "apply") setTimeout(die, 150);
      if (stage === "timer" && current === "confirm") die();
      if (stage === "confirm" && current === "confirm") {
        spawn("ip", nodeExecArgv(namespace!, nodeDir!, ["flock", "/var/lib/rampart/lock", "sleep", "3"]), { stdio: "ignore", detached: true }).unref();
        setTimeout(die, 1_500);
      }
    },
  });
  await done;
  throw new Error("the push finished: the process was meant to die before that");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
