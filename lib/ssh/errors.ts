/**
 * Failures of the SSH layer, by stage, so callers can say what went wrong where ("host key changed",
 * "authentication refused", "validate timed out after 60 s") without parsing messages.
 */
export type SshStage = "connect" | "handshake" | "command" | "upload";

export class SshError extends Error {
  constructor(
    readonly stage: SshStage,
    readonly reason: "timeout" | "refused" | "unreachable" | "auth" | "closed" | "failed",
    message: string,
  ) {
    super(message);
    this.name = "SshError";
  }
}

/** The node presented a host key other than the pinned one: nothing was sent, not even authentication. */
export class HostKeyMismatchError extends SshError {
  constructor(
    readonly expected: string,
    readonly received: string,
  ) {
    super("handshake", "failed", `The node's host key changed: expected ${expected}, received ${received}. No command was run.`);
    this.name = "HostKeyMismatchError";
  }
}

export function isSshError(error: unknown): error is SshError {
  return error instanceof SshError;
}
