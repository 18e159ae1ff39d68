/**
 * `tsx lab/push-and-die.ts NODE TIMER`: a panel process killed mid-push, for the fault lab. It pushes the
 * current policy to NODE through the code the dashboard and the CLI use, and SIGKILLs itself the moment the
 * apply has been recorded and the confirmation would start: the deployment is left APPLIED, its lease held,
 * and the node carries on with its rollback timer. Needs the environment the lab tests set (DATABASE_URL,
 * RAMPART_SECRET_KEY, ...). Lab only.
 */
import { startPush } from "@/lib/deploy/batch";

async function main(): Promise<void> {
  const [node, timer] = process.argv.slice(2);
  if (node === undefined || !/^\d+$/.test(timer ?? "")) throw new Error("usage: push-and-die.ts NODE TIMER_SECONDS");
  const caller = { role: "ADMIN" as const, tenantId: null, actor: { type: "CLI" as const, id: null, label: "push-and-die" } };
  const { done } = await startPush(caller, { target: { kind: "nodes", names: [node] }, timerSeconds: Number(timer) }, {
    onStage: (_name, stage) => {
      if (stage === "confirm") process.kill(process.pid, "SIGKILL");
    },
  });
  await done;
  throw new Error("the push finished: the process was meant to die before the confirmation");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
