import { parseIntegerText, splitListText } from "@/lib/validation/settings";

// The exposure forms' fields as the objects the data layer validates (exposureSchema, exposureOverrideSchema).
// Pure: the actions call these, the schemas judge the result, so a form says what the API and the CLI say.

function text(formData: FormData, name: string): string | undefined {
  const value = formData.get(name);
  return typeof value === "string" ? value : undefined;
}

/** A port-list field: "5038, 5039" → [5038, 5039]; empty or "none" → []; a non-number stays for the schema to name. */
export function portListFromText(value: string | undefined): unknown[] | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim().toLowerCase();
  if (trimmed === "" || trimmed === "none") return [];
  return splitListText(value).map(parseIntegerText);
}

/** The cluster form: every field present (an unticked box is false; an unticked SSH limit is no limit). */
export function exposureFromForm(formData: FormData): Record<string, unknown> {
  const isSshLimited = formData.get("sshLimited") === "on";
  return {
    sipFrom: text(formData, "sipFrom"),
    rtpFrom: text(formData, "rtpFrom"),
    webFrom: text(formData, "webFrom"),
    amiPorts: portListFromText(text(formData, "amiPorts")) ?? [],
    extraTcpPorts: portListFromText(text(formData, "extraTcpPorts")) ?? [],
    extraUdpPorts: portListFromText(text(formData, "extraUdpPorts")) ?? [],
    icmpEcho: formData.get("icmpEcho") === "on",
    dropPortScans: formData.get("dropPortScans") === "on",
    // An emptied number is a mistake to point out, not a request for "no limit".
    sshNewPerMinute: isSshLimited ? (parseIntegerText(text(formData, "sshNewPerMinute") ?? "") ?? "") : null,
    finalAction: text(formData, "finalAction"),
  };
}

/** The value of an override select or field that means "as the cluster" (the field is left out). */
export const INHERIT = "";

/**
 * A node's override form: a field left at "as the cluster" is left out. Selects send the value or INHERIT; the
 * on/off fields send "on", "off" or INHERIT; port lists are overridden only when their box is ticked; the SSH
 * limit is INHERIT, "off" or a number.
 */
export function overrideFromForm(formData: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of ["sipFrom", "rtpFrom", "webFrom", "finalAction"]) {
    const value = text(formData, name);
    if (value !== undefined && value !== INHERIT) out[name] = value;
  }
  for (const name of ["icmpEcho", "dropPortScans"]) {
    const value = text(formData, name);
    if (value === "on" || value === "off") out[name] = value === "on";
    else if (value !== undefined && value !== INHERIT) out[name] = value; // the schema says "true or false"
  }
  for (const name of ["amiPorts", "extraTcpPorts", "extraUdpPorts"]) {
    if (formData.get(`${name}Overridden`) === "on") out[name] = portListFromText(text(formData, name)) ?? [];
  }
  const ssh = text(formData, "sshNewPerMinute")?.trim().toLowerCase();
  if (ssh !== undefined && ssh !== INHERIT) out.sshNewPerMinute = ssh === "off" ? null : parseIntegerText(ssh);
  return out;
}
