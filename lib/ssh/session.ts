import { connect as connectTcp, type Socket } from "node:net";
import { posix } from "node:path";
import ssh2, { type ClientChannel, type SFTPWrapper } from "ssh2";

import { NODE_COMMANDS, NODE_DIR, type NodeCommand } from "./commands";
import { HostKeyMismatchError, SshError } from "./errors";
import { fingerprintOfKeyBlob } from "./fingerprint";

// Default import: ssh2 is CommonJS, and Node's ESM loader does not see all of its named exports.
const { Client } = ssh2;
type Client = InstanceType<typeof Client>;

/**
 * Transport only: one SSH connection to one node with its host key pinned, the closed command set of
 * commands.ts, and uploads under NODE_DIR. ssh2 accepts any host key unless told otherwise and its
 * readyTimeout covers only the handshake, so the host key is checked here on every connection and every
 * stage (TCP connect, handshake, each command, each upload) has its own deadline.
 */

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** Decrypted private key text; lives only as long as the connection attempt. */
  privateKey: string;
  /** The pinned "SHA256:..." fingerprint; the connection is refused before authentication otherwise. */
  hostKeyFingerprint: string;
}

export interface SshDeadlines {
  connectMs: number;
  handshakeMs: number;
  commandMs: number;
  uploadMs: number;
}

export const DEFAULT_DEADLINES: SshDeadlines = { connectMs: 5_000, handshakeMs: 10_000, commandMs: 60_000, uploadMs: 300_000 };

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface UploadFile {
  /** Absolute path under NODE_DIR. */
  path: string;
  content: string | Buffer;
  /** Mode of a file the upload creates (0600 unless said; an existing file keeps its mode). */
  mode?: 0o600 | 0o644;
}

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/;

/** Whether an upload path is one the layer may write: absolute, plain characters, inside NODE_DIR, no "..". */
export function isUploadPathAllowed(path: string): boolean {
  return SAFE_PATH.test(path) && posix.normalize(path) === path && path.startsWith(`${NODE_DIR}/`) && !path.split("/").includes("..");
}

function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SshError("connect", "timeout", `No TCP connection to ${host}:${port} within ${timeoutMs / 1000} s.`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      // A command on a reused connection takes ~44 ms with Nagle's algorithm and ~2 ms without (FIELD-NOTES).
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const reason = error.code === "ECONNREFUSED" ? "refused" : error.code === "EHOSTUNREACH" || error.code === "ENETUNREACH" ? "unreachable" : "failed";
      reject(new SshError("connect", reason, `Cannot reach ${host}:${port}: ${error.code ?? error.message}.`));
    });
  });
}

/** Handshake on an open socket; `verify` sees the host key blob and decides. */
function handshake(socket: Socket, options: { user: string; privateKey?: string; timeoutMs: number; verify: (blob: Buffer) => boolean; onMismatch: () => SshError | null }): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let settled = false;
    const finish = (error: SshError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === null) {
        resolve(client);
      } else {
        client.end();
        socket.destroy();
        reject(error);
      }
    };
    const timer = setTimeout(() => finish(new SshError("handshake", "timeout", `The SSH handshake did not finish within ${options.timeoutMs / 1000} s.`)), options.timeoutMs);
    client.once("ready", () => finish(null));
    // `on`, not `once`: ssh2 may emit more errors after the first (or after the deadline), and an unheard one crashes the process.
    client.on("error", (error: Error & { level?: string }) => {
      const mismatch = options.onMismatch();
      if (mismatch !== null) return finish(mismatch);
      if (error.level === "client-authentication") return finish(new SshError("handshake", "auth", "The node refused Rampart's key (check authorized_keys and the user)."));
      finish(new SshError("handshake", "failed", `SSH handshake failed: ${error.message}`));
    });
    client.once("close", () => finish(options.onMismatch() ?? new SshError("handshake", "closed", "The node closed the connection during the handshake.")));
    client.connect({
      sock: socket,
      username: options.user,
      privateKey: options.privateKey,
      hostVerifier: (key: Buffer) => options.verify(key),
      readyTimeout: options.timeoutMs,
      keepaliveInterval: 5_000,
      keepaliveCountMax: 3,
    });
  });
}

/** The host key a node presents, for an administrator to confirm before it is pinned. Authenticates nothing. */
export async function fetchHostKey(host: string, port: number, deadlines: Pick<SshDeadlines, "connectMs" | "handshakeMs"> = DEFAULT_DEADLINES): Promise<{ fingerprint: string }> {
  const socket = await openSocket(host, port, deadlines.connectMs);
  let seen: string | null = null;
  try {
    const client = await handshake(socket, {
      user: "rampart-host-key-check",
      timeoutMs: deadlines.handshakeMs,
      verify: (blob) => {
        seen = fingerprintOfKeyBlob(blob);
        return false;
      },
      onMismatch: () => null,
    });
    client.end();
  } catch (error) {
    if (seen === null) throw error;
  } finally {
    socket.destroy();
  }
  if (seen === null) throw new SshError("handshake", "failed", "The node did not present a host key.");
  return { fingerprint: seen };
}

export class NodeSession {
  private sftpSession: Promise<SFTPWrapper> | null = null;
  private closed = false;

  private constructor(
    private readonly client: Client,
    private readonly socket: Socket,
    private readonly deadlines: SshDeadlines,
  ) {
    client.on("error", () => {
      // Errors after ready surface through the pending command or upload.
    });
    client.on("close", () => {
      this.closed = true;
    });
  }

  /** Connects with the pinned host key; HostKeyMismatchError before anything is sent when it differs. */
  static async open(target: SshTarget, deadlines: Partial<SshDeadlines> = {}): Promise<NodeSession> {
    const limits = { ...DEFAULT_DEADLINES, ...deadlines };
    const socket = await openSocket(target.host, target.port, limits.connectMs);
    let received: string | null = null;
    const client = await handshake(socket, {
      user: target.user,
      privateKey: target.privateKey,
      timeoutMs: limits.handshakeMs,
      verify: (blob) => {
        const fingerprint = fingerprintOfKeyBlob(blob);
        if (fingerprint === target.hostKeyFingerprint) return true;
        received = fingerprint;
        return false;
      },
      onMismatch: () => (received === null ? null : new HostKeyMismatchError(target.hostKeyFingerprint, received)),
    });
    return new NodeSession(client, socket, limits);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs one command of the closed set; resolves with its exit code and output, rejects on its deadline. */
  run(command: NodeCommand, timeoutMs = this.deadlines.commandMs): Promise<CommandResult> {
    const text = NODE_COMMANDS[command];
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new SshError("command", "closed", "The connection to the node is closed."));
      let channel: ClientChannel | null = null;
      let settled = false;
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let size = 0;
      const fail = (error: SshError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        channel?.close();
        reject(error);
      };
      const timer = setTimeout(() => fail(new SshError("command", "timeout", `"${command}" did not finish within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
      this.client.exec(text, (error, stream) => {
        if (error) return fail(new SshError("command", "failed", `"${command}" could not start: ${error.message}`));
        channel = stream;
        const collect = (into: Buffer[]) => (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_OUTPUT_BYTES) return fail(new SshError("command", "failed", `"${command}" printed more than ${MAX_OUTPUT_BYTES} bytes.`));
          into.push(chunk);
        };
        stream.on("data", collect(stdout));
        stream.stderr.on("data", collect(stderr));
        // ssh2 passes the exit status when the node sent one; a dropped connection closes the channel with
        // undefined, a command killed by a signal with null and the signal's name. Neither is an answer: the
        // command may have done all, part or none of its work, so it is "closed" and the caller asks the node.
        stream.on("close", (code: unknown, signal: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (typeof code !== "number" || !Number.isInteger(code)) {
            const how = typeof signal === "string" && signal !== "" ? `was killed by SIG${signal.replace(/^SIG/, "")}` : "ran";
            return reject(new SshError("command", "closed", `The connection closed while "${command}" ${how}; whether it finished is not known.`));
          }
          resolve({ code, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") });
        });
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= new Promise((resolve, reject) => {
      this.client.sftp((error, sftp) => (error ? reject(new SshError("upload", "failed", `SFTP is not available: ${error.message}`)) : resolve(sftp)));
    });
    return this.sftpSession;
  }

  /**
   * Uploads files (mode 0600 unless a file says 0644, parent directories created 0700) under NODE_DIR, in order;
   * reports bytes sent.
   * One deadline covers the whole upload.
   */
  async upload(files: readonly UploadFile[], onProgress?: (sent: number, total: number) => void, timeoutMs = this.deadlines.uploadMs): Promise<void> {
    for (const file of files) if (!isUploadPathAllowed(file.path)) throw new SshError("upload", "failed", `Refusing to upload outside ${NODE_DIR}: ${file.path}`);
    const total = files.reduce((sum, f) => sum + Buffer.byteLength(f.content), 0);
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.close();
        reject(new SshError("upload", "timeout", `The upload did not finish within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
    });
    const work = (async () => {
      const sftp = await this.sftp();
      const made = new Set<string>();
      for (const file of files) {
        await this.makeDirectories(sftp, posix.dirname(file.path), made);
        const data = typeof file.content === "string" ? Buffer.from(file.content, "utf8") : file.content;
        await new Promise<void>((resolve, reject) => {
          const stream = sftp.createWriteStream(file.path, { mode: file.mode ?? 0o600 });
          stream.on("error", (error: Error) => reject(new SshError("upload", this.closed ? "closed" : "failed", `Upload of ${file.path} failed: ${error.message}`)));
          stream.on("close", () => resolve());
          const chunk = 256 * 1024;
          let offset = 0;
          const pump = () => {
            while (offset < data.length) {
              const piece = data.subarray(offset, offset + chunk);
              offset += piece.length;
              sent += piece.length;
              onProgress?.(sent, total);
              if (!stream.write(piece)) return void stream.once("drain", pump);
            }
            stream.end();
          };
          pump();
        });
      }
    })();
    try {
      await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async makeDirectories(sftp: SFTPWrapper, dir: string, made: Set<string>): Promise<void> {
    if (made.has(dir) || dir === "/" || !dir.startsWith(NODE_DIR)) return;
    await this.makeDirectories(sftp, posix.dirname(dir), made);
    await new Promise<void>((resolve, reject) => {
      sftp.mkdir(dir, { mode: 0o700 }, (error) => {
        // Already there (SFTP status 4, "failure") is fine; the agent checks its own directories.
        if (!error || (error as { code?: number }).code === 4) resolve();
        else reject(new SshError("upload", "failed", `Cannot create ${dir}: ${error.message}`));
      });
    });
    made.add(dir);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.end();
    this.socket.destroy();
  }
}
