import { AppError } from "@/lib/errors";

import { isSshError } from "./errors";
import { fetchHostKey } from "./session";

/**
 * The edges' host-key check before a fingerprint is pinned (node add in the dashboard, the API and the CLI;
 * re-pinning after an alert): the node is asked for its key again and it must be the one the administrator
 * confirmed. Without this, a script could pin any fingerprint it likes, and a key that changed between
 * "Fetch host key" and "Save" would be pinned unseen. Failures are AppErrors with the field to blame.
 */

type FetchHostKey = (host: string, port: number) => Promise<{ fingerprint: string }>;

/** The key the node presents now; an unreachable node is an AppError on `host` with the SSH layer's message. */
export async function fetchHostKeyForForm(host: string, port: number, fetch: FetchHostKey = fetchHostKey): Promise<string> {
  try {
    return (await fetch(host, port)).fingerprint;
  } catch (error) {
    if (!isSshError(error)) throw error;
    const message = `Could not read the host key of ${host} port ${port}: ${error.message}`;
    throw new AppError("VALIDATION", message, { host: [message] });
  }
}

/** Throws (nothing is stored) unless the node at host:port presents exactly `confirmed`. */
export async function assertHostKeyConfirmed(host: string, port: number, confirmed: string, fetch: FetchHostKey = fetchHostKey): Promise<void> {
  const presented = await fetchHostKeyForForm(host, port, fetch);
  if (presented !== confirmed) {
    const message =
      `The node presents the host key ${presented}, not the confirmed ${confirmed}. ` +
      "Compare with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the node; nothing was saved.";
    throw new AppError("VALIDATION", message, { hostKeyFingerprint: [message] });
  }
}
