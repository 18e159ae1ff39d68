/**
 * `npm run lab -- <command>`: the simulated PBX cluster.
 *
 *   up --nodes N [--json]    create N nodes and one attacker (prints the description with --json)
 *   status [--json]          daemons per node
 *   exec NAME -- COMMAND...  run a command inside a lab namespace (node1…, attacker)
 *   reboot NODE [--json]     simulate a reboot: fail2ban stopped, tables and sets lost, the node's boot restore run
 *   asterisk NAME -- CMD     an Asterisk CLI command on node1…, carrier or phones (`asterisk -rx`)
 *   down                     remove everything `up` created; safe to run twice (leaves the Asterisk root fs)
 *   rootfs                   build the cached Asterisk root file system if missing (else reuse it) and print its path
 *   clean                    remove the cached Asterisk root file system (refused while a lab is up)
 *
 * State: $RAMPART_LAB_DIR or /run/rampart-lab.
 */
import { spawnSync } from "node:child_process";

import { asteriskRx, cleanAsteriskRootfs, ensureAsteriskRootfs } from "./asterisk";
import { describeLab, downLab, hostAsterisk, labStatus, namespaceFor, nodeAsterisk, nodeExecArgv, rebootNode, upLab } from "./cluster";
import { readState } from "./state";

const USAGE = "usage: lab up --nodes N [--json] | status [--json] | exec NAME -- COMMAND... | reboot NODE [--json] | asterisk NAME -- CMD | down | rootfs | clean";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const isJson = rest.includes("--json");
  switch (command) {
    case "up": {
      const i = rest.indexOf("--nodes");
      const count = i === -1 ? 1 : Number(rest[i + 1]);
      const lab = await upLab(count);
      if (isJson) console.log(JSON.stringify(lab, null, 2));
      else {
        for (const n of lab.nodes) console.log(`${n.name}\t${n.host}\tssh -i ${n.keyPath} ${n.user}@${n.host}\t${n.hostKeyFingerprint}\tsip ${n.sip.extension}/${n.sip.password}`);
        console.log(`attacker\t${lab.attacker.addresses.join(",")}`);
        if (lab.carrier !== null) console.log(`carrier\t${lab.carrier.address}:${lab.carrier.port}`);
        if (lab.phones !== null) console.log(`phones\t${lab.phones.address}`);
        console.log(`state\t${lab.stateDir}`);
      }
      return 0;
    }
    case "status": {
      const status = labStatus();
      if (isJson) {
        const state = readState();
        console.log(JSON.stringify({ ...status, lab: state === null ? null : describeLab(state) }, null, 2));
      } else if (!status.up) console.log("lab is down");
      else {
        for (const n of status.nodes) console.log(`${n.name}\tnetns=${n.namespace} sshd=${n.sshd} fail2ban=${n.fail2ban} asterisk=${n.sip}`);
        for (const h of status.hosts) console.log(`${h.name}\tasterisk=${h.asterisk}`);
      }
      return status.up && status.nodes.every((n) => n.namespace && n.sshd && n.fail2ban && n.sip) && status.hosts.every((h) => h.asterisk) ? 0 : 1;
    }
    case "exec": {
      const separator = rest.indexOf("--");
      const name = rest[0];
      const args = separator === -1 ? rest.slice(1) : rest.slice(separator + 1);
      if (name === undefined || args.length === 0) throw new Error(USAGE);
      const namespace = namespaceFor(name);
      if (namespace === undefined) throw new Error(`no lab namespace called ${name}`);
      // On a node, with its own /var/log and /var/lib/rampart (cluster.ts NODE_MOUNTS).
      const node = readState()?.nodes.find((n) => n.namespace === namespace);
      const argv = node === undefined ? ["netns", "exec", namespace, ...args] : nodeExecArgv(namespace, node.dir, args);
      const result = spawnSync("ip", argv, { stdio: "inherit" });
      return result.status ?? 1;
    }
    case "reboot": {
      const name = rest.find((a) => !a.startsWith("--"));
      if (name === undefined) throw new Error(USAGE);
      const report = await rebootNode(name);
      if (isJson) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(`${report.node}\tinit: ${report.init}`);
        console.log(`boot.log\t${report.bootLog ?? "(nothing logged)"}`);
        process.stdout.write(report.status);
      }
      return 0;
    }
    case "asterisk": {
      const separator = rest.indexOf("--");
      const name = rest[0];
      const command = (separator === -1 ? rest.slice(1) : rest.slice(separator + 1)).join(" ");
      const state = readState();
      if (name === undefined || command === "" || state === null) throw new Error(state === null ? "lab is down" : USAGE);
      const node = state.nodes.find((n) => n.name === name);
      const host = [state.carrier, state.phones].find((h) => h !== null && h.name === name) ?? null;
      if (node === undefined && host === null) throw new Error(`no lab Asterisk called ${name}`);
      process.stdout.write(await asteriskRx(node !== undefined ? nodeAsterisk(node.namespace, node.dir) : hostAsterisk(host!), command));
      return 0;
    }
    case "rootfs": {
      const started = Date.now();
      const { path, built } = await ensureAsteriskRootfs((line) => console.error(line));
      console.log(`${path}\t${built ? `built in ${Math.round((Date.now() - started) / 1000)} s` : "reused"}`);
      return 0;
    }
    case "clean": {
      if (readState() !== null) throw new Error("a lab is up: run `lab down` first");
      const removed = cleanAsteriskRootfs();
      console.log(removed.length === 0 ? "nothing to remove" : removed.join("\n"));
      return 0;
    }
    case "down": {
      const removed = await downLab();
      console.log(removed.length === 0 ? "nothing to remove" : removed.join("\n"));
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
