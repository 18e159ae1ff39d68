/**
 * The seam between the deploy logic and the nodes: lib/deploy receives a NodeTransport instead of opening SSH
 * itself, so the batch and push state machines run over a scripted transport in fast unit tests while
 * production (and the lab) use ssh2 through NodeSession. A channel runs the closed set of agent commands and
 * uploads under Rampart's directory; nothing else reaches a node.
 */
import type { NodeCommand } from "./commands";
import { NodeSession, type CommandResult, type SshDeadlines, type SshTarget, type UploadFile } from "./session";

export interface NodeChannel {
  run(command: NodeCommand, timeoutMs?: number): Promise<CommandResult>;
  upload(files: readonly UploadFile[], onProgress?: (sent: number, total: number) => void, timeoutMs?: number): Promise<void>;
  close(): void;
  readonly isClosed: boolean;
}

export interface NodeTransport {
  /** A new connection to the node, its host key checked against the pinned one before anything runs. */
  open(target: SshTarget, deadlines?: Partial<SshDeadlines>): Promise<NodeChannel>;
}

/** SSH (ssh2), the only transport outside tests. */
export const sshTransport: NodeTransport = {
  open: (target, deadlines) => NodeSession.open(target, deadlines),
};
