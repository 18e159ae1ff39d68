/**
 * Real Asterisk 22 in the lab. Debian 12 has no Asterisk and installing unstable's into the host would replace
 * the host's libraries, so the lab builds a Debian sid root file system with asterisk and asterisk-modules once
 * (debootstrap, ≈3–4 min), caches it (`RAMPART_ASTERISK_ROOTFS`, default /var/cache/rampart-lab/asterisk-rootfs;
 * `lab down` leaves it, `lab clean` removes it) and runs every Asterisk from it: inside the node's network
 * namespace, in a private mount namespace where the instance's own directories are bound over the shared tree's
 * /etc/asterisk, /var/spool/asterisk, /run and /var/log, then chroot. The cache stays read-only in use, so any
 * number of nodes share it. Test, bench and demo tooling only: fixed argv, run as root.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { run } from "@/test/rules/netns";

import { isAlive, runAsync, waitFor } from "./exec";

export function asteriskRootfs(): string {
  return process.env.RAMPART_ASTERISK_ROOTFS ?? "/var/cache/rampart-lab/asterisk-rootfs";
}

/** The first Debian mirror apt is configured with (deb822 or one-line format); deb.debian.org otherwise. */
export function aptMirror(): string {
  const candidates: string[] = [];
  for (const file of ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"]) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^URIs:\s*(\S+)/gm)) candidates.push(m[1]!);
    for (const m of text.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/gm)) candidates.push(m[1]!);
  }
  return candidates.find((uri) => /^https?:\/\/[^\s]+$/.test(uri) && !uri.includes("security")) ?? "http://deb.debian.org/debian";
}

// Built under a lock into a sibling directory and renamed, so a half-built tree is never taken for a cache.
const BUILD_SCRIPT = `set -e
R="$1"; M="$2"
[ -x "$R/usr/sbin/asterisk" ] && exit 0
rm -rf "$R.partial"
debootstrap --variant=minbase --include=asterisk,asterisk-modules sid "$R.partial" "$M" >"$R.log" 2>&1 || { tail -n 20 "$R.log" >&2; exit 1; }
# No namespace has a route off the lab: name lookups go to the loopback and fail at once.
printf 'nameserver 127.0.0.1\n' >"$R.partial/etc/resolv.conf"
mkdir -p "$R.partial/var/lib/rampart"
mv "$R.partial" "$R"`;

/** The cached root file system, built first if missing. Returns its path and whether this call built it. */
export async function ensureAsteriskRootfs(log: (line: string) => void = () => {}): Promise<{ path: string; built: boolean }> {
  const path = asteriskRootfs();
  if (existsSync(join(path, "usr", "sbin", "asterisk"))) {
    // The mount point of a node's /var/lib/rampart (a tree built before the call guard lacks it).
    mkdirSync(join(path, "var", "lib", "rampart"), { recursive: true, mode: 0o700 });
    return { path, built: false };
  }
  mkdirSync(join(path, ".."), { recursive: true });
  log(`building the Asterisk 22 root file system in ${path} (first run only; about 3-4 minutes)`);
  const started = Date.now();
  const result = await runAsync("flock", [`${path}.lock`, "sh", "-c", BUILD_SCRIPT, "sh", path, aptMirror()]);
  if (result.status !== 0) throw new Error(`debootstrap of the Asterisk root file system failed: ${result.stderr.trim()}`);
  log(`Asterisk root file system ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return { path, built: true };
}

/** `lab clean`: removes the cached root file system (never while a lab runs from it). */
export function cleanAsteriskRootfs(): string[] {
  const path = asteriskRootfs();
  const removed: string[] = [];
  for (const p of [path, `${path}.partial`, `${path}.log`, `${path}.lock`]) {
    if (existsSync(p)) {
      rmSync(p, { recursive: true, force: true });
      removed.push(p);
    }
  }
  return removed;
}

/** An Asterisk instance's own directories on the host: its configuration, spool (astdb), run dir and /var/log. */
export interface AsteriskInstance {
  namespace: string;
  dir: string;
  /** Bound over /var/log inside the chroot (a node's own /var/log, so its fail2ban reads the same files). */
  varLog: string;
  /** A node's own /var/lib/rampart, bound at the same path inside the chroot: the call guard its agent installs. */
  varLibRampart?: string;
}

function instanceDirs(instance: AsteriskInstance): { etc: string; spool: string; run: string } {
  return { etc: join(instance.dir, "etc"), spool: join(instance.dir, "spool"), run: join(instance.dir, "run") };
}

// "-" for no /var/lib/rampart (the carrier and the phones have none).
const MOUNT_SCRIPT = `R="$1"; D="$2"; L="$3"; V="$4"; shift 4
mount --bind "$D/etc" "$R/etc/asterisk" && mount --bind "$D/spool" "$R/var/spool/asterisk" && mount --bind "$D/run" "$R/run" &&
mount --bind "$L" "$R/var/log" && { [ "$V" = - ] || mount --bind "$V" "$R/var/lib/rampart"; } && mount -t proc proc "$R/proc" && exec chroot "$R" "$@"`;

function mountArgs(instance: AsteriskInstance): string[] {
  return ["sh", "-c", MOUNT_SCRIPT, "sh", asteriskRootfs(), instance.dir, instance.varLog, instance.varLibRampart ?? "-"];
}

/** `ip` argv running ARGV (a path inside the root file system) in the instance's namespace and chroot. */
export function asteriskExecArgv(instance: AsteriskInstance, argv: readonly string[]): string[] {
  return ["netns", "exec", instance.namespace, ...mountArgs(instance), ...argv];
}

/**
 * The node's Asterisk CLI as its agent runs it (`$R/asterisk-cli -rx COMMAND`, lib/deploy/agent/rampart-node.sh
 * asterisk_rx): the agent already runs in the node's namespace, so this only enters the instance's chroot.
 */
export function asteriskCliScript(instance: AsteriskInstance): string {
  const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  return `#!/bin/sh\n# The lab node's Asterisk CLI for Rampart's agent (written by the lab, not by the panel).\nexec unshare -m ${mountArgs(instance).map(quote).join(" ")} /usr/sbin/asterisk "$@"\n`;
}

/** Writes the instance's configuration files (replacing all of them). */
export function writeAsteriskConfig(instance: AsteriskInstance, files: Record<string, string>): void {
  const dirs = instanceDirs(instance);
  rmSync(dirs.etc, { recursive: true, force: true });
  for (const d of [dirs.etc, dirs.spool, join(dirs.spool, "cache"), join(dirs.run, "asterisk"), join(instance.varLog, "asterisk", "cdr-csv")]) mkdirSync(d, { recursive: true, mode: 0o750 });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dirs.etc, name), text, { mode: 0o640 });
}

/** One CLI command through the instance's control socket (`asterisk -rx`). */
export async function asteriskRx(instance: AsteriskInstance, command: string): Promise<string> {
  const result = await runAsync("timeout", ["20", "ip", ...asteriskExecArgv(instance, ["/usr/sbin/asterisk", "-rx", command])]);
  if (result.status !== 0) throw new Error(`asterisk -rx ${JSON.stringify(command)} in ${instance.namespace} exited ${result.status}: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

/** Starts Asterisk in the foreground (its own process group), waits until it is fully booted; returns its pid. */
export async function startAsterisk(instance: AsteriskInstance, files: Record<string, string>): Promise<number> {
  writeAsteriskConfig(instance, files);
  const outPath = join(instance.dir, "asterisk.out");
  const out = openSync(outPath, "a");
  const child = spawn("ip", asteriskExecArgv(instance, ["/usr/sbin/asterisk", "-f", "-n", "-C", "/etc/asterisk/asterisk.conf"]), { detached: true, stdio: ["ignore", out, out] });
  closeSync(out);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start Asterisk in ${instance.namespace}`);
  await waitFor(
    `Asterisk in ${instance.namespace}`,
    async () => {
      if (!isAlive(pid)) throw new Error(`Asterisk in ${instance.namespace} exited: ${readFileSync(outPath, "utf8").slice(-2000)}`);
      const booted = await runAsync("timeout", ["5", "ip", ...asteriskExecArgv(instance, ["/usr/sbin/asterisk", "-rx", "core waitfullybooted"])]);
      return booted.status === 0 && booted.stdout.includes("fully booted");
    },
    60_000,
  );
  return pid;
}

/** Stops an instance started by `startAsterisk` (its pid is `ip`'s, which exec'd into Asterisk). */
export function stopAsterisk(pid: number, namespace: string): void {
  if (pid > 0 && run("ip", ["netns", "identify", String(pid)]).stdout.trim() === namespace) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}
