/**
 * Legitimate phones in the lab: the phones' Asterisk (198.18.0.240) is the SIP user agent of every extension of
 * every node. A registration is written on demand and `res_pjsip_outbound_registration` reloaded, so a phone
 * registers only when a test says so; a call is `channel originate` through the phone's endpoint, which answers the
 * node's digest challenge with the extension's password. Test, bench and demo tooling only.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { asteriskRx } from "./asterisk";
import { phoneEndpoint, phoneRegistration, renderNodeAsterisk } from "./asterisk-config";
import { hostAsterisk, nodeAsterisk } from "./cluster";
import { sleep, waitFor } from "./exec";
import { labDir, readState, writeState, type LabState, type NodeState } from "./state";
import { CARRIER_ADDRESS } from "./topology";

function labState(dir: string): LabState & { phones: NonNullable<LabState["phones"]> } {
  const state = readState(dir);
  if (state === null || state.phones === null) throw new Error(`no lab with phones is up (state in ${dir})`);
  return state as LabState & { phones: NonNullable<LabState["phones"]> };
}

function findNode(state: LabState, name: string): NodeState {
  const node = state.nodes.find((n) => n.name === name);
  if (node === undefined) throw new Error(`no lab node called ${name}`);
  return node;
}

/** Registers the phone of NODE's EXTENSION (real digest auth from 198.18.0.240); resolves once Asterisk says Registered. */
export async function registerLabPhone(nodeName: string, extension: string, dir = labDir()): Promise<void> {
  const state = labState(dir);
  const node = findNode(state, nodeName);
  if (!node.sip.extensions.some((e) => e.extension === extension)) throw new Error(`${nodeName} has no extension ${extension}`);
  const phones = hostAsterisk(state.phones);
  const file = join(phones.dir, "etc", "pjsip_registrations.conf");
  const id = `${phoneEndpoint(node.name, extension)}-reg`;
  if (!(existsSync(file) && readFileSync(file, "utf8").includes(`[${id}]`))) {
    appendFileSync(file, phoneRegistration({ name: node.name, address: node.address }, extension));
    await asteriskRx(phones, "module reload res_pjsip_outbound_registration.so");
  }
  await waitFor(
    `the phone ${nodeName}/${extension} to register`,
    async () => new RegExp(`^\\s*${id}/\\S+\\s+\\S+\\s+Registered\\b`, "m").test(await asteriskRx(phones, "pjsip show registrations")),
    20_000,
  );
}

/**
 * Places a call from NODE's EXTENSION to NUMBER (what the user dials, e.g. "0" + "0044..." for the trunk) and hangs
 * up SECONDS after the answer. Resolves when the node has no channel left.
 */
export async function callFromLabPhone(nodeName: string, extension: string, number: string, seconds: number, dir = labDir()): Promise<void> {
  if (!/^[0-9+*#]{1,32}$/.test(number)) throw new Error(`not a dialable lab number: ${number}`);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) throw new Error("seconds must be 1..600");
  const state = labState(dir);
  const node = findNode(state, nodeName);
  const phones = hostAsterisk(state.phones);
  await asteriskRx(phones, `channel originate PJSIP/${number}@${phoneEndpoint(node.name, extension)} application Wait ${seconds}`);
  const asterisk = nodeAsterisk(node.namespace, node.dir);
  await sleep(500);
  await waitFor(`the call from ${nodeName}/${extension} to end`, async () => /^0 active channels/m.test(await asteriskRx(asterisk, "core show channels count")), (seconds + 30) * 1000);
}

/** The node's CDR file as the node's Asterisk wrote it (cdr_csv's Master.csv), split into lines. */
export function labCdrLines(nodeName: string, dir = labDir()): string[] {
  const node = findNode(labState(dir), nodeName);
  return existsSync(node.logPaths.asteriskCdr) ? readFileSync(node.logPaths.asteriskCdr, "utf8").split("\n").filter(Boolean) : [];
}

/**
 * Gives NODE's EXTENSION a new password (e.g. a weak 6-digit one for the efficacy bench): the node's pjsip.conf is
 * rendered again and res_pjsip reloaded. The phones' Asterisk keeps the old one: register no phone with it after.
 */
export async function setLabExtensionPassword(nodeName: string, extension: string, password: string, dir = labDir()): Promise<void> {
  const state = labState(dir);
  const node = findNode(state, nodeName);
  const target = node.sip.extensions.find((e) => e.extension === extension);
  if (target === undefined) throw new Error(`${nodeName} has no extension ${extension}`);
  target.password = password;
  if (node.sip.extension === extension) node.sip.password = password;
  const files = renderNodeAsterisk({ name: node.name, address: node.address, extensions: node.sip.extensions, amiSecret: node.sip.amiSecret, carrierAddress: CARRIER_ADDRESS });
  const asterisk = nodeAsterisk(node.namespace, node.dir);
  writeFileSync(join(asterisk.dir, "etc", "pjsip.conf"), files["pjsip.conf"]!);
  await asteriskRx(asterisk, "module reload res_pjsip.so");
  writeState(state);
}
