/**
 * Per-node OpenSSH server: its own ed25519 host key, key-only root login with the lab client key, listening
 * on the node address only, pid file in the lab state dir. Never touches /etc/ssh.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";

import { isAlive, runAsyncOk, waitFor } from "./exec";
import { SSH_PORT } from "./topology";

/** Generates the lab client key once (mode 0600, no passphrase); returns the private key path. */
export async function ensureClientKey(path: string): Promise<string> {
  if (!existsSync(path)) await runAsyncOk("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "rampart-lab-client", "-f", path]);
  return path;
}

/** `SHA256:...` fingerprint of a public key file. */
export async function fingerprintOf(publicKeyPath: string): Promise<string> {
  const out = await runAsyncOk("ssh-keygen", ["-l", "-E", "sha256", "-f", publicKeyPath]);
  const match = /\b(SHA256:[A-Za-z0-9+/=]+)/.exec(out);
  if (match?.[1] === undefined) throw new Error(`no fingerprint in: ${out}`);
  return match[1];
}

export interface SshdFiles {
  config: string;
  hostKey: string;
  pidFile: string;
  authorizedKeys: string;
}

export function renderSshdConfig(opts: { address: string; hostKey: string; pidFile: string; authorizedKeys: string }): string {
  return [
    `# Rampart lab node sshd (generated)`,
    `ListenAddress ${opts.address}:${SSH_PORT}`,
    `HostKey ${opts.hostKey}`,
    `PidFile ${opts.pidFile}`,
    `AuthorizedKeysFile ${opts.authorizedKeys}`,
    `PermitRootLogin prohibit-password`,
    `PubkeyAuthentication yes`,
    `PasswordAuthentication no`,
    `KbdInteractiveAuthentication no`,
    `UsePAM no`,
    // The state dir may live under a sticky world-writable /tmp ($RAMPART_LAB_DIR), which StrictModes rejects;
    // authorized_keys is written by root with mode 0600 either way.
    `StrictModes no`,
    `X11Forwarding no`,
    `PrintMotd no`,
    `LogLevel ERROR`,
    `Subsystem sftp internal-sftp`,
    ``,
  ].join("\n");
}

/** Writes host key, authorized_keys and sshd_config into `dir`; returns the paths and the host key fingerprint. */
export async function prepareSshd(dir: string, address: string, clientPublicKey: string, comment: string): Promise<SshdFiles & { fingerprint: string; hostPublicKey: string }> {
  const files: SshdFiles = {
    config: join(dir, "sshd_config"),
    hostKey: join(dir, "ssh_host_ed25519_key"),
    pidFile: join(dir, "sshd.pid"),
    authorizedKeys: join(dir, "authorized_keys"),
  };
  await runAsyncOk("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", files.hostKey]);
  writeFileSync(files.authorizedKeys, clientPublicKey, { mode: 0o600 });
  writeFileSync(files.config, renderSshdConfig({ address, ...files }), { mode: 0o600 });
  const fingerprint = await fingerprintOf(`${files.hostKey}.pub`);
  const hostPublicKey = readFileSync(`${files.hostKey}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
  return { ...files, fingerprint, hostPublicKey };
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 500 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Runs `ipArgv` (sshd inside the node's namespace; it daemonizes) and waits until the panel can connect; returns its pid. */
export async function startSshd(ipArgv: readonly string[], files: SshdFiles, address: string): Promise<number> {
  const namespace = ipArgv[2] ?? "";
  await runAsyncOk("ip", ipArgv);
  let pid = 0;
  await waitFor(`sshd pid file in ${namespace}`, () => {
    if (!existsSync(files.pidFile)) return false;
    pid = Number(readFileSync(files.pidFile, "utf8").trim());
    return pid > 0 && isAlive(pid);
  });
  await waitFor(`sshd on ${address}:${SSH_PORT}`, () => canConnect(address, SSH_PORT));
  return pid;
}
