/**
 * A scripted node for fast tests of the deploy logic: a small model of the node agent (probe, stage from the
 * uploaded apply.conf, validate, apply with its own rollback timer, confirm, status) behind a NodeTransport,
 * with faults injected per command (an answer instead of the action, the connection dropped before or after
 * the node acts) and per connection (refused, a changed host key, the link down). Tests only; the lab runs
 * the real agent.
 */
import type { NodeCommand } from "@/lib/ssh/commands";
import { HostKeyMismatchError, SshError } from "@/lib/ssh/errors";
import type { CommandResult } from "@/lib/ssh/session";
import type { NodeChannel, NodeTransport } from "@/lib/ssh/transport";

export const SCRIPTED_PANEL = "198.51.100.1";
export const SCRIPTED_OLD_VERSION = "b".repeat(64);
export const SCRIPTED_DIGEST = "d".repeat(64);

/** What a command does instead of answering normally. */
export type Fault =
  | { kind: "answer"; result: CommandResult } // answers this, does nothing
  | { kind: "drop-before" } // the connection drops before the node acts
  | { kind: "drop-after" }; // the node acts, then the connection drops before the answer

export class ScriptedNode {
  version: string | null = SCRIPTED_OLD_VERSION;
  pending: { deployment: string; deadline: number; version: string } | null = null;
  lastRollback: { at: number; deployment: string; reason: string } | null = null;
  client = SCRIPTED_PANEL;
  tools = "has=iptables-restore\nhas=ip6tables-restore\nhas=flock\nhas=setsid\nhas=sha256sum\n";
  /** "refused" / "hostkey" per connection attempt, in order; then connections succeed. */
  opens: Array<"refused" | "hostkey" | "ok"> = [];
  /** Refuse every connection until this time (ms). */
  downUntil = 0;
  /** The link fails right after the apply (downUntil becomes "for ever" until a test lifts it). */
  isCutAfterApply = false;
  faults = new Map<NodeCommand, Fault[]>();
  calls: string[] = [];
  /** What the last upload staged (apply.conf). */
  staged: { version: string; deployment: string } | null = null;
  uploads = 0;
  /** Every uploaded file's path and text, in order (the collector's CDR acknowledgements among them). */
  uploaded: Array<{ path: string; text: string }> = [];
  /** What `observe` prints (the collector's read), one answer per call in order; then the last one again. */
  observeOutputs: string[] = [];

  fault(command: NodeCommand, ...faults: Fault[]): this {
    this.faults.set(command, [...(this.faults.get(command) ?? []), ...faults]);
    return this;
  }

  /** The node's own timer: fires on its deadline whatever the panel does. */
  private tick(): void {
    if (this.pending !== null && Date.now() >= this.pending.deadline * 1000) {
      this.lastRollback = { at: this.pending.deadline, deployment: this.pending.deployment, reason: "not confirmed in time" };
      this.pending = null;
    }
  }

  private act(command: NodeCommand): CommandResult {
    this.tick();
    const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: "" });
    const error = (message: string): CommandResult => ({ code: 1, stdout: "", stderr: `error: ${message}\n` });
    switch (command) {
      case "probe":
        return ok(`kernel=6.1\niptables=iptables v1.8.9 (nf_tables)\nip6tables=ip6tables v1.8.9 (nf_tables)\nipset=ipset v7.17\nfail2ban=1.0.2\n${this.tools}agent=${"c".repeat(64)}\nversion=${this.version ?? ""}\nclient=${this.client}\nend=1\n`);
      case "stageReset":
        this.staged = null;
        return ok("staged\n");
      case "validate":
        return this.staged === null ? error("nothing is staged") : ok(`validated ${this.staged.version}\n`);
      case "apply": {
        if (this.pending !== null) return error("an earlier push awaits confirmation");
        const deadline = Math.floor(Date.now() / 1000) + this.timerSeconds;
        if (this.staged === null) return error("nothing is staged");
        this.pending = { deployment: this.staged.deployment, deadline, version: this.staged.version };
        if (this.isCutAfterApply) this.downUntil = Number.POSITIVE_INFINITY;
        return ok(`applied ${deadline}\n`);
      }
      case "confirm": {
        if (this.pending === null) return error(this.lastRollback ? `nothing to confirm; last rollback: ${this.lastRollback.reason}` : "nothing to confirm");
        this.version = this.pending.version;
        this.pending = null;
        return ok(`confirmed ${this.version} ${SCRIPTED_DIGEST}\n`);
      }
      case "status": {
        const lines = [`version=${this.version ?? ""}`, `confirmed_digest=${SCRIPTED_DIGEST}`, `digest=${SCRIPTED_DIGEST}`];
        if (this.pending) lines.push(`pending=${this.pending.deployment}`, `pending_deadline=${this.pending.deadline}`);
        if (this.lastRollback) lines.push(`rollback_at=${this.lastRollback.at}`, `rollback_deployment=${this.lastRollback.deployment}`, `rollback_reason=${this.lastRollback.reason}`, "rollback_ok=1");
        return ok(`${lines.join("\n")}\nboot_restore=hook\nend=1\n`);
      }
      case "observe": {
        const output = this.observeOutputs.length > 1 ? this.observeOutputs.shift() : this.observeOutputs[0];
        return output === undefined ? error("no observe output scripted") : ok(output);
      }
      default:
        return error(`unexpected command ${command}`);
    }
  }

  timerSeconds = 30;

  readonly transport: NodeTransport = {
    open: async () => {
      const next = this.opens.shift() ?? "ok";
      if (next === "refused" || Date.now() < this.downUntil) {
        this.calls.push("open:refused");
        throw new SshError("connect", "refused", "Cannot reach the node: ECONNREFUSED.");
      }
      if (next === "hostkey") {
        this.calls.push("open:hostkey");
        throw new HostKeyMismatchError("SHA256:pinned", "SHA256:other");
      }
      this.calls.push("open");
      let closed = false;
      const channel: NodeChannel = {
        run: async (command) => {
          if (closed) throw new SshError("command", "closed", "The connection to the node is closed.");
          this.calls.push(command);
          const fault = this.faults.get(command)?.shift();
          if (fault?.kind === "answer") return fault.result;
          if (fault?.kind === "drop-before") {
            closed = true;
            throw new SshError("command", "closed", `The connection closed while "${command}" ran; whether it finished is not known.`);
          }
          const result = this.act(command);
          if (fault?.kind === "drop-after") {
            closed = true;
            throw new SshError("command", "closed", `The connection closed while "${command}" ran; whether it finished is not known.`);
          }
          return result;
        },
        upload: async (files) => {
          if (closed) throw new SshError("upload", "closed", "The connection to the node is closed.");
          this.uploads += 1;
          for (const f of files) this.uploaded.push({ path: f.path, text: f.content.toString() });
          const conf = files.find((f) => f.path.endsWith("/staging/apply.conf"));
          if (conf !== undefined) {
            const text = conf.content.toString();
            const value = (key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(text)?.[1] ?? "";
            this.staged = { version: value("version"), deployment: value("deployment") };
          }
        },
        close: () => {
          closed = true;
        },
        get isClosed() {
          return closed;
        },
      };
      return channel;
    },
  };
}

/** The panel asks for TIMER seconds; the scripted node arms its own timer (node.timerSeconds), as a node does. */
