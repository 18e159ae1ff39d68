import Link from "next/link";

import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatInstantOr } from "@/lib/format/instant";
import type { NodeHealth } from "@/lib/db/queries/snapshots";
import { formatAge, shortHash } from "@/lib/observe/display";

// The Overview's node health cards: is each node answering, how old the figures are, which version it runs,
// and whether its rules drifted. An unreachable node keeps its last known figures, labelled with their age.

const utc = (date: Date | null) => formatInstantOr(date, "never");

function reachability(node: NodeHealth): { label: string; tone: "success" | "danger" | "neutral" | "warning" } {
  if (node.hasHostKeyAlert) return { label: "Host key changed", tone: "danger" };
  if (node.isReachable === null) return { label: node.isEnabled ? "Not polled yet" : "Disabled", tone: "neutral" };
  if (!node.isReachable) return { label: "Unreachable", tone: "danger" };
  return { label: "Reachable", tone: "success" };
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-3">
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 truncate text-right text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  );
}

export function NodeHealthCard({ node, now }: { node: NodeHealth; now: Date }) {
  const status = reachability(node);
  const pollAge = node.lastPollAt ? Math.max(0, Math.round((now.getTime() - node.lastPollAt.getTime()) / 1000)) : null;
  const isDown = node.isReachable === false;
  return (
    <Card className="p-4" data-node={node.name} aria-labelledby={`node-${node.nodeId}`}>
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 id={`node-${node.nodeId}`} className="truncate text-sm font-semibold">
            <Link href={`/nodes/${encodeURIComponent(node.name)}`} className="hover:underline">
              {node.name}
            </Link>
          </h3>
          <p className="truncate font-mono text-xs text-slate-500 dark:text-slate-400">{node.host}</p>
        </div>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>

      {isDown ? (
        <Alert tone="error" compact className="mt-3">
          {node.lastReachableAt
            ? `Unreachable: showing the last known data from ${utc(node.lastReachableAt)} (${formatAge(node.ageSeconds)}).`
            : "Unreachable: it has never answered a poll, so there is no data yet."}
          {node.lastError ? <span className="mt-1 block break-words opacity-80">{node.lastError}</span> : null}
        </Alert>
      ) : null}

      <dl className="mt-3 space-y-1.5 text-xs">
        <Row label="Last poll">
          {node.lastPollAt ? (
            <time dateTime={node.lastPollAt.toISOString()} title={utc(node.lastPollAt)}>
              {formatAge(pollAge)}
            </time>
          ) : (
            "never"
          )}
        </Row>
        <Row label="Data age">{node.lastReachableAt ? formatAge(node.ageSeconds) : "no data"}</Row>
        <Row label="Running version">
          {node.runningVersion ? (
            <code className="font-mono" title={node.runningVersion} aria-label={`version ${node.runningVersion}`}>
              {shortHash(node.runningVersion)}
            </code>
          ) : (
            "unknown"
          )}
        </Row>
        <Row label="Drift">
          {node.isDrifted === null ? (
            <Badge tone="neutral">Nothing to compare</Badge>
          ) : node.isDrifted ? (
            <span className="flex flex-col items-end gap-1">
              <Badge tone="warning">Drifted</Badge>
              {node.driftMessage ? <span className="text-right text-xs">{node.driftMessage}</span> : null}
            </span>
          ) : (
            <Badge tone="success">In sync</Badge>
          )}
        </Row>
        <Row label="Boot restore">
          {node.bootRestore === null ? (
            "unknown"
          ) : node.bootRestore === "none" ? (
            <Badge tone="warning">none: a reboot loses the rules</Badge>
          ) : node.bootRestore === "unit" ? (
            "systemd unit"
          ) : (
            "ifupdown hook"
          )}
        </Row>
        <Row label="fail2ban">{node.isFail2banUp === null ? "unknown" : node.isFail2banUp ? "running" : <Badge tone="danger">down</Badge>}</Row>
        <Row label="Current bans">{node.currentBans ?? "unknown"}</Row>
      </dl>
    </Card>
  );
}
