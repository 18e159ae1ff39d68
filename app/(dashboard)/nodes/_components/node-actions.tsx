"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { checkDriftAction, deleteNodeAction, testConnectionAction, type ConnectionTestResult } from "../actions";

interface NodeActionsProps {
  node: { id: string; name: string };
  canWrite: boolean;
  canDeploy: boolean;
  /** On the node's own page: no Edit link (the settings are on the page), and Delete returns to the list. */
  isDetail?: boolean;
}

const stageLabels: Record<string, string> = {
  connect: "Not reachable",
  handshake: "SSH handshake or authentication failed",
  command: "A command failed",
  upload: "Upload failed",
  setup: "Tools missing",
};

function TestResult({ result }: { result: ConnectionTestResult }) {
  const tools = result.tools;
  return (
    <div role="status" className={`space-y-1 rounded-md px-3 py-2 text-sm whitespace-normal ${result.ok ? "bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100" : "bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100"}`}>
      <p className="font-medium">{result.ok ? "Connection works" : (stageLabels[result.stage ?? ""] ?? "Connection test failed")}</p>
      <p>{result.message}</p>
      {tools ? (
        <ul className="list-inside list-disc text-xs">
          <li>Reachable and authenticated ({tools.kernel})</li>
          <li>iptables: {tools.iptables ? `${tools.iptables.version}, ${tools.iptables.backend} backend` : "missing"}</li>
          <li>ip6tables: {tools.ip6tables ? `${tools.ip6tables.version}, ${tools.ip6tables.backend} backend` : "missing"}</li>
          <li>ipset: {tools.ipset ?? "missing"}</li>
          <li>fail2ban: {tools.fail2ban ?? "missing"}</li>
          {tools.missing.length > 0 ? <li>Missing: {tools.missing.join(", ")}</li> : null}
        </ul>
      ) : null}
    </div>
  );
}

/** Test connection, check drift, edit and delete of one node, with each result shown next to the buttons. */
export function NodeActions({ node, canWrite, canDeploy, isDetail = false }: NodeActionsProps) {
  const router = useRouter();
  const [running, setRunning] = useState<"test" | "drift" | "delete" | null>(null);
  const [isConfirmingDelete, setIsConfirmingDelete] = useState(false);
  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success" | "info"; text: string } | null>(null);
  const [isPending, startTransition] = useTransition();

  function runTest() {
    setRunning("test");
    setMessage(null);
    setTest(null);
    startTransition(async () => {
      const result = await testConnectionAction(node.id);
      setRunning(null);
      if (result.ok) {
        setTest(result.data);
        router.refresh();
      } else {
        setMessage({ tone: "error", text: result.error });
      }
    });
  }

  function runDrift() {
    setRunning("drift");
    setMessage(null);
    setTest(null);
    startTransition(async () => {
      const result = await checkDriftAction(node.id);
      setRunning(null);
      if (!result.ok) return setMessage({ tone: "error", text: result.error });
      const { drifted, message: text } = result.data;
      setMessage({ tone: drifted === true ? "error" : drifted === false ? "success" : "info", text: drifted === false ? `No drift. ${text}` : text });
    });
  }

  function runDelete() {
    setRunning("delete");
    startTransition(async () => {
      const result = await deleteNodeAction(node.id);
      setRunning(null);
      setIsConfirmingDelete(false);
      if (!result.ok) return setMessage({ tone: "error", text: result.error });
      if (isDetail) router.push("/nodes");
      router.refresh();
    });
  }

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2" role="group" aria-label={`Actions for ${node.name}`}>
        {canDeploy ? (
          <>
            <Button size="sm" variant="secondary" onClick={runTest} disabled={isPending} aria-busy={running === "test" || undefined}>
              {running === "test" ? "Testing…" : "Test connection"}
            </Button>
            <Button size="sm" variant="secondary" onClick={runDrift} disabled={isPending} aria-busy={running === "drift" || undefined}>
              {running === "drift" ? "Checking…" : "Check drift"}
            </Button>
          </>
        ) : null}
        {canWrite && !isDetail ? (
          <ButtonLink size="sm" variant="secondary" href={`/nodes/${node.name}#settings`} aria-label={`Edit ${node.name}`}>
            Edit
          </ButtonLink>
        ) : null}
        {canWrite ? (
          <Button size="sm" variant="danger" onClick={() => setIsConfirmingDelete(true)} disabled={isPending} aria-label={`Delete ${node.name}`}>
            Delete
          </Button>
        ) : null}
      </div>
      {test ? <TestResult result={test} /> : null}
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      <ConfirmDialog
        open={isConfirmingDelete}
        title={`Delete ${node.name}?`}
        description="Rampart forgets the node, its encrypted key, its pinned host key and its deployment history. The rules on the node stay as they are; remove them on the node if it leaves the cluster."
        confirmLabel="Delete node"
        isDestructive
        isPending={running === "delete"}
        onConfirm={runDelete}
        onCancel={() => setIsConfirmingDelete(false)}
      />
    </div>
  );
}
