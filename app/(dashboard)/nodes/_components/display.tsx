import { Badge, type BadgeTone } from "@/components/ui/badge";
import { formatInstant } from "@/lib/format/instant";
import type { DeploymentState } from "@/lib/generated/prisma/enums";
import type { StoredNodeTools } from "@/lib/validation/node";

// Read-only pieces shared by the node list, the node page and the push page.

/** What the administrator runs on the node to compare host keys. */
export const HOST_KEY_COMMAND = "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub";

export const deploymentStates: Record<DeploymentState, { label: string; tone: BadgeTone }> = {
  PENDING: { label: "Pending", tone: "neutral" },
  UPLOADING: { label: "Uploading", tone: "info" },
  VALIDATING: { label: "Validating", tone: "info" },
  APPLIED: { label: "Applied", tone: "info" },
  CONFIRMED: { label: "Confirmed", tone: "success" },
  ROLLED_BACK: { label: "Rolled back", tone: "warning" },
  FAILED: { label: "Failed", tone: "danger" },
  UNREACHABLE: { label: "Unreachable", tone: "danger" },
  SKIPPED: { label: "Skipped", tone: "neutral" },
};

export function StateBadge({ state }: { state: DeploymentState }) {
  const { label, tone } = deploymentStates[state];
  return <Badge tone={tone}>{label}</Badge>;
}

/** The first 12 hex characters of a version hash, the full one on hover and for screen readers. */
export function ShortHash({ hash }: { hash: string }) {
  return (
    <code className="font-mono text-[0.8125rem]" title={hash} aria-label={`version ${hash}`}>
      {hash.slice(0, 12)}
    </code>
  );
}

/** The address as ssh would be given it: IPv6 in brackets when a port follows. */
export function formatAddress(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** What the last connection test found: the firewall backend, ipset, fail2ban, and what is missing. */
export function ToolsSummary({ tools, testedAt }: { tools: StoredNodeTools | null; testedAt: Date | null }) {
  if (!tools) return <span className="text-slate-500 dark:text-slate-400">Not tested</span>;
  return (
    <div className="flex flex-wrap items-center gap-1" title={testedAt ? `Tested ${formatInstant(testedAt)}; ${tools.kernel}` : tools.kernel}>
      {tools.iptables ? <Badge tone="neutral">iptables {tools.iptables.backend}</Badge> : <Badge tone="danger">no iptables</Badge>}
      {tools.ipset ? <Badge tone="neutral">ipset</Badge> : <Badge tone="danger">no ipset</Badge>}
      {tools.fail2ban ? <Badge tone="neutral">fail2ban</Badge> : <Badge tone="danger">no fail2ban</Badge>}
      {tools.missing.length > 0 ? <Badge tone="warning">missing {tools.missing.join(", ")}</Badge> : null}
    </div>
  );
}
