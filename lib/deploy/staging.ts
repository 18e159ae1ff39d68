import { createHash } from "node:crypto";

import { parseHostAddress } from "@/lib/net/parse";
import { ARTEFACT_PATHS } from "@/lib/rules/names";
import type { Manifest } from "@/lib/rules/render-manifest";
import { AGENT_PATH, STAGING_DIR } from "@/lib/ssh/commands";
import type { UploadFile } from "@/lib/ssh/session";
import { DEFAULT_LOG_PATHS } from "@/lib/validation/policy";
import { isCanonicalUuid } from "@/lib/validation/ids";

/**
 * What a push uploads: the version's artefacts plus the small files the agent reads instead of arguments
 * (apply.conf, sets.list, logfiles.list, SHA256SUMS). Pure. Every value written here is checked against a
 * strict pattern first, because the agent reads these files with sed and `read`: nothing that could carry a
 * newline, a space or a shell character gets through, whatever the stored version contains.
 */

// ipset names are at most 31 characters (lib/rules MAX_SET_NAME_LENGTH).
const SET_NAME = /^rampart-[a-z0-9-]{1,23}$/;
const SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/;
const HEX64 = /^[0-9a-f]{64}$/;
const KNOWN_ARTEFACTS = new Set<string>(Object.values(ARTEFACT_PATHS));

export interface StagingInput {
  version: string;
  deploymentId: string;
  timerSeconds: number;
  files: Readonly<Record<string, string>>;
  manifest: Manifest;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`refusing to stage: ${message}`);
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The staging uploads, in upload order (the small control files last, so a partial upload never validates). */
export function buildStagingFiles(input: StagingInput): UploadFile[] {
  check(HEX64.test(input.version), "bad version hash");
  check(input.manifest.version === input.version, "the manifest belongs to another version");
  check(isCanonicalUuid(input.deploymentId), "bad deployment id");
  check(Number.isInteger(input.timerSeconds) && input.timerSeconds >= 5 && input.timerSeconds <= 3600, "bad rollback timer");
  const paths = Object.keys(input.files).sort();
  for (const path of [ARTEFACT_PATHS.ipset, ARTEFACT_PATHS.iptables, ARTEFACT_PATHS.ip6tables]) check(paths.includes(path), `artefact ${path} missing`);
  for (const path of paths) check(KNOWN_ARTEFACTS.has(path), `unknown artefact ${path}`);

  const sets = input.manifest.sets.map((set) => {
    check(SET_NAME.test(set.name), `bad set name ${JSON.stringify(set.name)}`);
    check(set.tempName === null || SET_NAME.test(set.tempName), `bad temporary set name ${JSON.stringify(set.tempName)}`);
    check(set.lifecycle === "swap" || set.lifecycle === "persistent", "bad set lifecycle");
    check(set.lifecycle === "persistent" || set.tempName !== null, `swap set ${set.name} has no temporary name`);
    return `${set.name} ${set.tempName ?? "-"} ${set.lifecycle}\n`;
  });
  for (const path of input.manifest.fail2ban.requiredLogFiles) check(SAFE_PATH.test(path) && !path.split("/").includes(".."), `bad log path ${JSON.stringify(path)}`);
  // The logs the agent's `observe` reads incrementally: successful registrations and call records.
  const securityLog = DEFAULT_LOG_PATHS.asteriskSecurity;
  const cdrLog = DEFAULT_LOG_PATHS.asteriskCdr;
  for (const path of [securityLog, cdrLog]) check(SAFE_PATH.test(path) && !path.split("/").includes(".."), `bad log path ${JSON.stringify(path)}`);

  const control: Record<string, string> = {
    "apply.conf": `version=${input.version}\ndeployment=${input.deploymentId}\ntimer=${input.timerSeconds}\nsecurity_log=${securityLog}\ncdr_log=${cdrLog}\n`,
    "sets.list": sets.join(""),
    "logfiles.list": input.manifest.fail2ban.requiredLogFiles.map((p) => `${p}\n`).join(""),
  };
  const all: Record<string, string> = { ...input.files, ...control };
  const sums = Object.keys(all)
    .sort()
    .map((path) => `${sha256(all[path]!)}  ${path}\n`)
    .join("");
  return [
    ...paths.map((path) => ({ path: `${STAGING_DIR}/${path}`, content: input.files[path]! })),
    ...Object.entries(control).map(([path, content]) => ({ path: `${STAGING_DIR}/${path}`, content })),
    { path: `${STAGING_DIR}/SHA256SUMS`, content: sums },
  ];
}

/** The unban request file: one "jail address" line each; jail and address already validated by the caller. */
export function buildUnbanFile(entries: ReadonlyArray<{ jail: string; address: string }>): UploadFile {
  const lines = entries.map(({ jail, address }) => {
    check(/^rampart-[a-z]+(?:-[a-z]+)?$/.test(jail), `bad jail ${JSON.stringify(jail)}`);
    // Only canonical host text from the strict parser reaches fail2ban (it would resolve names, read octal).
    const parsed = parseHostAddress(address);
    check(parsed.ok && parsed.value.canonical === address, `bad address ${JSON.stringify(address)}`);
    return `${jail} ${address}\n`;
  });
  return { path: `${STAGING_DIR}/unban.list`, content: lines.join("") };
}

export function agentUpload(script: string): UploadFile {
  return { path: AGENT_PATH, content: script };
}

export function agentHash(script: string): string {
  return sha256(script);
}
