/**
 * What the lab created, persisted so `down` removes exactly that. The state file is rewritten after every
 * created resource, so a half-finished `up` can still be taken down.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { LabExtension } from "./asterisk-config";

/** `$RAMPART_LAB_DIR`, or /run/rampart-lab (tmpfs: a reboot clears it along with the namespaces). */
export function labDir(): string {
  return process.env.RAMPART_LAB_DIR ?? "/run/rampart-lab";
}

export interface NodeState {
  name: string;
  namespace: string;
  address: string;
  dir: string;
  sshdPidFile: string;
  hostKeyFingerprint: string;
  fail2ban: { configDir: string; socket: string; pidFile: string };
  /** The node's Asterisk: its pid, the first extension (the one attack tests aim at), every extension, AMI. */
  sip: { pid: number; extension: string; password: string; extensions: LabExtension[]; amiSecret: string; asteriskDir: string };
  logPaths: { asteriskMessages: string; asteriskSecurity: string; asteriskCdr: string; freepbxSecurity: string; webServerError: string; fail2ban: string };
}

/** A lab Asterisk outside the nodes: the carrier or the phones. */
export interface AsteriskHostState {
  name: string;
  namespace: string;
  address: string;
  pid: number;
  /** The instance's own directories (lab/asterisk.ts AsteriskInstance.dir); its /var/log is `${dir}/var-log`. */
  dir: string;
}

export interface LabState {
  version: 1;
  createdAt: string;
  dir: string;
  /** Root-namespace links we created (the bridge and host veth ends). */
  links: string[];
  /** Namespaces we created. */
  namespaces: string[];
  /** Directories outside `dir` we created (e.g. sshd's privilege separation dir) and must remove. */
  createdDirs: string[];
  clientKeyPath: string;
  geo: { dir: string; ipv4: string; ipv4Num: string } | null;
  nodes: NodeState[];
  attacker: { name: string; namespace: string; addresses: string[] } | null;
  carrier: AsteriskHostState | null;
  phones: AsteriskHostState | null;
}

export function statePath(dir = labDir()): string {
  return join(dir, "state.json");
}

export function emptyState(dir = labDir()): LabState {
  return {
    version: 1,
    createdAt: new Date().toISOString(),
    dir,
    links: [],
    namespaces: [],
    createdDirs: [],
    clientKeyPath: join(dir, "client_ed25519"),
    geo: null,
    nodes: [],
    attacker: null,
    carrier: null,
    phones: null,
  };
}

export function readState(dir = labDir()): LabState | null {
  const path = statePath(dir);
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, "utf8")) as LabState;
}

/** Atomic write (rename), so a crash never leaves a truncated state file. */
export function writeState(state: LabState): void {
  mkdirSync(state.dir, { recursive: true, mode: 0o755 });
  const path = statePath(state.dir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}
