/**
 * Why a node does not answer SSH, in words an operator can act on. The SSH failure alone tells a reset
 * (nothing listens, or a REJECT rule) and a missing route apart; a timeout is ambiguous, so the panel asks
 * the node's SIP port, which every node answers, one OPTIONS over UDP: SIP answering while SSH times out
 * means the node is up and drops or bans the panel; nothing answering means it is down or walled off.
 *
 * Classification and wording are pure (unit-tested); the one I/O step, probeSipOptions, has its own short
 * deadline and never throws, so a diagnosis can only add words to a failure, never a new failure or a hang.
 */
import { randomBytes } from "node:crypto";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

import { SshError } from "./errors";

/** The SIP port nodes listen on when nothing else is configured. */
export const DEFAULT_SIP_PORT = 5060;
/** The whole SIP probe (name look-up, send, answer) stays within this. */
export const SIP_PROBE_TIMEOUT_MS = 2_000;

// ---------------------------------------------------------------------------------------------------------
// Classification (pure)
// ---------------------------------------------------------------------------------------------------------

/**
 * The SSH failures a diagnosis can say more about: TCP reset, no route, no TCP answer at all, and a TCP
 * connection on which no SSH greeting came. Authentication, host keys and command failures say enough.
 */
export type SshFailureKind = "refused" | "unreachable" | "connect-timeout" | "greeting-timeout";

/** Which kind of SSH failure `error` is, or null when a diagnosis has nothing to add. Pure. */
export function classifySshFailure(error: unknown): SshFailureKind | null {
  if (!(error instanceof SshError)) return null;
  if (error.stage === "connect") {
    if (error.reason === "refused") return "refused";
    if (error.reason === "unreachable") return "unreachable";
    if (error.reason === "timeout") return "connect-timeout";
    return null;
  }
  if (error.stage === "handshake" && error.reason === "timeout") return "greeting-timeout";
  return null;
}

/** Whether the failure is a timeout, the only kind for which the SIP port is asked. Pure. */
export function needsSipProbe(kind: SshFailureKind): boolean {
  return kind === "connect-timeout" || kind === "greeting-timeout";
}

/** What one SIP OPTIONS found: an answer, an ICMP "port unreachable", no route, silence, or a local failure. */
export type SipProbeResult =
  | { kind: "answered"; statusLine: string; localAddress: string | null }
  | { kind: "closed"; localAddress: string | null }
  | { kind: "unreachable" }
  | { kind: "silent"; localAddress: string | null }
  | { kind: "failed"; detail: string };

export interface DiagnosisInput {
  host: string;
  sshPort: number;
  sipPort: number;
  /** The address the node last saw the panel connect from (Node.panelAddress), when known. */
  panelAddress: string | null;
  kind: SshFailureKind;
  /** The SIP probe's result; null when none was made (refused, unreachable). */
  sip: SipProbeResult | null;
}

/** The panel's address for the unban hint: the one the node saw, else the probe's source address. Pure. */
function panelAddressOf(input: DiagnosisInput): string | null {
  if (input.panelAddress !== null) return input.panelAddress;
  if (input.sip !== null && "localAddress" in input.sip) return input.sip.localAddress;
  return null;
}

function dropsPanelAdvice(input: DiagnosisInput, lead: string): string {
  const address = panelAddressOf(input);
  const who = address === null ? "the panel's address" : `the panel's address (${address})`;
  const unban = `fail2ban-client unban ${address ?? "<panel address>"}`;
  return `${lead}: it drops or bans ${who}. Unban it on the node's console (\`${unban}\`) or check its firewall.`;
}

/** One or two sentences saying what the failure most likely means and what to do. Pure and deterministic. */
export function explainSshFailure(input: DiagnosisInput): string {
  const { host, sshPort, sipPort, sip } = input;
  switch (input.kind) {
    case "refused":
      return `${host} answered with a TCP reset: sshd is not listening on port ${sshPort}, or a REJECT rule refuses the panel.`;
    case "unreachable":
      return `No route to the node: it is down or its network is.`;
    case "connect-timeout":
      if (sip?.kind === "answered") return dropsPanelAdvice(input, "The node answers SIP but not SSH from the panel");
      if (sip?.kind === "closed") {
        return dropsPanelAdvice(input, `Something at ${host} answers (UDP port ${sipPort} is closed) while SSH times out`);
      }
      if (sip?.kind === "silent") {
        return `Nothing on the node answers (SSH and SIP time out): it is down or a firewall in front of it drops everything (a ban on every port looks the same).`;
      }
      if (sip?.kind === "unreachable") return `No route to the node: it is down or its network is.`;
      return `SSH timed out and SIP could not be asked${sip?.kind === "failed" ? ` (${sip.detail})` : ""}: the node is down, or it drops the panel.`;
    case "greeting-timeout":
      // TCP got through, so nothing dropped the connection: sshd itself (or whatever holds the port) is silent.
      if (sip?.kind === "answered" || sip?.kind === "closed") {
        const up = sip.kind === "answered" ? "The node answers SIP but not SSH from the panel" : `The node is up (UDP port ${sipPort} is closed) but does not speak SSH`;
        return `${up}: port ${sshPort} accepts the connection and sends no SSH greeting, so sshd is hung or overloaded, or something other than sshd listens there.`;
      }
      return `Port ${sshPort} accepts the connection but sends no SSH greeting and SIP does not answer: the node is overloaded or hung, or something in front of it holds the port.`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// SIP OPTIONS (pure text)
// ---------------------------------------------------------------------------------------------------------

export interface SipOptionsRequest {
  host: string;
  port: number;
  localAddress: string;
  localPort: number;
  /** Random tokens: the caller draws them, so the text is a pure function of its input. */
  branch: string;
  tag: string;
  callId: string;
}

function hostPart(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * An RFC 3261 OPTIONS request ("are you there?") with every mandatory header, CRLF line ends and an empty
 * body. Deterministic for the same input. The User-Agent is plain text no scanner signature matches.
 */
export function buildSipOptions(request: SipOptionsRequest): string {
  const target = `sip:${hostPart(request.host)}:${request.port}`;
  const local = `${hostPart(request.localAddress)}:${request.localPort}`;
  return [
    `OPTIONS ${target} SIP/2.0`,
    `Via: SIP/2.0/UDP ${local};branch=z9hG4bK${request.branch};rport`,
    "Max-Forwards: 70",
    `From: <sip:rampart@${local}>;tag=${request.tag}`,
    `To: <${target}>`,
    `Call-ID: ${request.callId}`,
    "CSeq: 1 OPTIONS",
    "User-Agent: Rampart panel reachability check",
    "Accept: application/sdp",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

/** The status line when `datagram` is a SIP response to the request with `callId`, else null. Pure. */
export function parseSipAnswer(datagram: string, callId: string): string | null {
  const lines = datagram.split(/\r?\n/);
  const status = lines[0] ?? "";
  if (!/^SIP\/2\.0 [1-6]\d\d\b/.test(status)) return null;
  const isOurs = lines.some((line) => /^(?:call-id|i)\s*:/i.test(line) && line.slice(line.indexOf(":") + 1).trim() === callId);
  return isOurs ? status.trim() : null;
}

// ---------------------------------------------------------------------------------------------------------
// The probe (I/O, bounded, never throws)
// ---------------------------------------------------------------------------------------------------------

function token(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/**
 * Sends one SIP OPTIONS over UDP to host:port and waits at most `timeoutMs` for the answer. Resolves, never
 * rejects; the socket is always closed. A connected socket, so only the node's own datagrams count and an
 * ICMP "port unreachable" from it surfaces (as "closed": the host is up).
 */
export async function probeSipOptions(host: string, port: number, timeoutMs = SIP_PROBE_TIMEOUT_MS): Promise<SipProbeResult> {
  let socket: UdpSocket | null = null;
  let timer: NodeJS.Timeout | undefined;
  let localAddress: string | null = null;
  let isFinished = false;
  const deadline = new Promise<SipProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "silent", localAddress }), timeoutMs);
  });
  const exchange = (async (): Promise<SipProbeResult> => {
    const resolved = isIP(host) === 0 ? await lookup(host) : { address: host, family: isIP(host) };
    // The deadline may have passed during the look-up: open nothing that the `finally` below would not close.
    if (isFinished) return { kind: "silent", localAddress };
    const udp = createSocket(resolved.family === 6 ? "udp6" : "udp4");
    socket = udp;
    const callId = `${token(12)}@rampart`;
    return await new Promise<SipProbeResult>((resolve) => {
      udp.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ECONNREFUSED") resolve({ kind: "closed", localAddress });
        else if (error.code === "EHOSTUNREACH" || error.code === "ENETUNREACH") resolve({ kind: "unreachable" });
        else resolve({ kind: "failed", detail: error.code ?? error.message });
      });
      udp.on("message", (message) => {
        const statusLine = parseSipAnswer(message.toString("utf8"), callId);
        if (statusLine !== null) resolve({ kind: "answered", statusLine, localAddress });
      });
      udp.connect(port, resolved.address, () => {
        const local = udp.address();
        localAddress = local.address;
        const text = buildSipOptions({ host, port, localAddress: local.address, localPort: local.port, branch: token(8), tag: token(6), callId });
        udp.send(text, (error) => {
          if (error) udp.emit("error", error);
        });
      });
    });
  })().catch((error: unknown): SipProbeResult => {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    return { kind: "failed", detail: code ?? (error instanceof Error ? error.message : String(error)) };
  });
  try {
    return await Promise.race([exchange, deadline]);
  } finally {
    isFinished = true;
    clearTimeout(timer);
    try {
      // `socket` is assigned inside the exchange; TypeScript cannot see that across the closure.
      (socket as UdpSocket | null)?.close();
    } catch {
      // Already closed.
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Both together
// ---------------------------------------------------------------------------------------------------------

export interface NodeAddresses {
  host: string;
  sshPort: number;
  sipPort: number;
  panelAddress?: string | null;
}

/**
 * The failure's message followed by what it most likely means, or null when there is nothing to add (not a
 * connect or greeting failure). Asks the SIP port only for timeouts; bounded by `probeTimeoutMs`; never throws.
 */
export async function diagnoseSshFailure(
  node: NodeAddresses,
  error: unknown,
  options: { probeTimeoutMs?: number; probe?: (host: string, port: number, timeoutMs: number) => Promise<SipProbeResult> } = {},
): Promise<string | null> {
  const kind = classifySshFailure(error);
  if (kind === null || !(error instanceof Error)) return null;
  const probe = options.probe ?? probeSipOptions;
  const sip = needsSipProbe(kind) ? await probe(node.host, node.sipPort, options.probeTimeoutMs ?? SIP_PROBE_TIMEOUT_MS).catch(() => null) : null;
  const explanation = explainSshFailure({ host: node.host, sshPort: node.sshPort, sipPort: node.sipPort, panelAddress: node.panelAddress ?? null, kind, sip });
  return `${error.message} ${explanation}`;
}
