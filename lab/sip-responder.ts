/**
 * A small SIP registrar that behaves like Asterisk towards scanners and password crackers, for the lab:
 * answers OPTIONS with 200, challenges REGISTER and INVITE with 401 (MD5 digest, RFC 2617), accepts one
 * extension and password (200), rejects wrong credentials with 403, and writes Asterisk-format lines to a
 * messages log and a security log for every failed and successful authentication, so a node's fail2ban
 * reads the same text it would read on a real PBX (formats: lib/rules/fail2ban/sample-asterisk.log).
 *
 * Run inside a namespace: `ip netns exec NS node --import tsx lab/sip-responder.ts --config FILE`.
 * Self-contained (node: imports only) so it starts quickly and needs no path alias.
 */
import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { createSocket, type RemoteInfo } from "node:dgram";
import { createServer, type Socket } from "node:net";

export interface SipResponderConfig {
  address: string;
  port: number;
  extension: string;
  password: string;
  realm: string;
  messagesLog: string;
  securityLog: string;
  /** Written once both listeners are bound. */
  readyFile: string;
}

export interface SipMessage {
  method: string;
  uri: string;
  /** Lower-case header name → values in order (compact forms expanded). */
  headers: Map<string, string[]>;
  body: string;
}

const COMPACT: Readonly<Record<string, string>> = { v: "via", f: "from", t: "to", i: "call-id", m: "contact", l: "content-length", c: "content-type" };

/** Parses a SIP request; null for responses or garbage. */
export function parseRequest(text: string): SipMessage | null {
  const split = text.indexOf("\r\n\r\n");
  const head = split === -1 ? text : text.slice(0, split);
  const body = split === -1 ? "" : text.slice(split + 4);
  const lines = head.split(/\r?\n/);
  const start = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(lines[0] ?? "");
  if (start === null) return null;
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    const values = headers.get(name) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(name, values);
  }
  return { method: start[1] ?? "", uri: start[2] ?? "", headers, body };
}

/** Parses `Digest k="v", k2=v2` into a record (lower-case keys). */
export function parseDigest(value: string): Record<string, string> | null {
  const match = /^Digest\s+(.*)$/i.exec(value.trim());
  if (match === null) return null;
  const out: Record<string, string> = {};
  const re = /([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let m = re.exec(match[1] ?? ""); m !== null; m = re.exec(match[1] ?? "")) {
    out[(m[1] ?? "").toLowerCase()] = m[2] ?? m[3] ?? "";
  }
  return out;
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

/**
 * RFC 2617 digest response (MD5). Like chan_sip, the qop=auth form is used only when the client sent nc and
 * cnonce: the challenge offers no qop, and svcrack sends a bare `qop=auth` while hashing without it.
 */
export function digestResponse(p: { username: string; realm: string; password: string; method: string; uri: string; nonce: string; qop?: string; nc?: string; cnonce?: string }): string {
  const ha1 = md5(`${p.username}:${p.realm}:${p.password}`);
  const ha2 = md5(`${p.method}:${p.uri}`);
  return p.qop === "auth" && p.nc !== undefined && p.cnonce !== undefined ? md5(`${ha1}:${p.nonce}:${p.nc ?? ""}:${p.cnonce ?? ""}:auth:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Asterisk's default log date, local time: `[2024-03-01 10:00:01]`. */
export function asteriskDate(d: Date): string {
  return `[${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}]`;
}

/** res_security_log's EventTV: `2024-03-01T10:06:12.000+0000`. */
export function eventTv(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

export interface Peer {
  transport: "UDP" | "TCP";
  address: string;
  port: number;
}

export type AuthOutcome =
  | { kind: "challenge" }
  | { kind: "unknown-account"; account: string }
  | { kind: "wrong-password"; account: string; challenge: string; response: string }
  | { kind: "success"; account: string };

/** The Asterisk-format lines (messages, security) one authentication outcome produces. */
export function renderAuthLogLines(p: { now: Date; pid: number; method: string; from: string; peer: Peer; local: Peer; outcome: AuthOutcome; sessionId: string }): { messages: string[]; security: string[] } {
  const date = asteriskDate(p.now);
  const peerText = `${p.peer.address}:${p.peer.port}`;
  const common = (event: string, severity: string, account: string) =>
    `${date} SECURITY[${p.pid}] res_security_log.c: SecurityEvent="${event}",EventTV="${eventTv(p.now)}",Severity="${severity}",Service="SIP",EventVersion="1",AccountID="${account}",SessionID="${p.sessionId}",LocalAddress="IPV4/${p.local.transport}/${p.local.address}/${p.local.port}",RemoteAddress="IPV4/${p.peer.transport}/${p.peer.address}/${p.peer.port}"`;
  const isRegister = p.method === "REGISTER";
  switch (p.outcome.kind) {
    case "challenge":
      return { messages: [], security: [] };
    case "unknown-account":
      return {
        messages: [isRegister ? `${date} NOTICE[${p.pid}] chan_sip.c: Registration from '${p.from}' failed for '${peerText}' - No matching peer found` : `${date} NOTICE[${p.pid}] chan_sip.c: Failed to authenticate device ${p.from}`],
        security: [common("InvalidAccountID", "Error", p.outcome.account)],
      };
    case "wrong-password":
      return {
        messages: [isRegister ? `${date} NOTICE[${p.pid}] chan_sip.c: Registration from '${p.from}' failed for '${peerText}' - Wrong password` : `${date} NOTICE[${p.pid}] chan_sip.c: Failed to authenticate device ${p.from}`],
        security: [`${common("ChallengeResponseFailed", "Error", p.outcome.account)},Challenge="${p.outcome.challenge}",Response="${p.outcome.response}",ExpectedResponse=""`],
      };
    case "success":
      return {
        messages: isRegister ? [`${date} VERBOSE[${p.pid}] chan_sip.c: Registered SIP '${p.outcome.account}' at ${peerText}`] : [],
        security: [`${common("SuccessfulAuth", "Informational", p.outcome.account)},UsingPassword="1"`],
      };
  }
}

/** Strips characters that would let caller text break a log line. */
const oneLine = (text: string) => text.replace(/[\r\n\0]/g, " ");

export class SipResponder {
  private readonly nonces = new Set<string>();

  constructor(
    private readonly config: SipResponderConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private issueNonce(): string {
    const nonce = randomBytes(8).toString("hex");
    this.nonces.add(nonce);
    if (this.nonces.size > 10_000) this.nonces.delete(this.nonces.values().next().value ?? "");
    return nonce;
  }

  private log(request: SipMessage, peer: Peer, outcome: AuthOutcome): void {
    const from = oneLine(request.headers.get("from")?.[0] ?? "");
    const lines = renderAuthLogLines({
      now: this.now(),
      pid: process.pid,
      method: request.method,
      from: from.replace(/;tag=.*$/, ""),
      peer,
      local: { transport: peer.transport, address: this.config.address, port: this.config.port },
      outcome,
      sessionId: `0x${randomBytes(6).toString("hex")}`,
    });
    if (lines.messages.length > 0) appendFileSync(this.config.messagesLog, lines.messages.map((l) => `${l}\n`).join(""));
    if (lines.security.length > 0) appendFileSync(this.config.securityLog, lines.security.map((l) => `${l}\n`).join(""));
  }

  /** Decides the outcome of an authenticated method and returns the response text. */
  handle(request: SipMessage, peer: Peer): string | null {
    switch (request.method) {
      case "OPTIONS":
        return this.response(request, 200, "OK", ["Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REGISTER", "Accept: application/sdp"]);
      case "ACK":
        return null;
      case "BYE":
      case "CANCEL":
        return this.response(request, 200, "OK");
      case "REGISTER":
      case "INVITE":
        return this.authenticate(request, peer);
      default:
        return this.response(request, 501, "Not Implemented");
    }
  }

  private authenticate(request: SipMessage, peer: Peer): string {
    const header = request.headers.get("authorization")?.[0] ?? request.headers.get("proxy-authorization")?.[0];
    const digest = header === undefined ? null : parseDigest(header);
    const challenge = (stale: boolean) =>
      this.response(request, 401, "Unauthorized", [`WWW-Authenticate: Digest algorithm=MD5, realm="${this.config.realm}", nonce="${this.issueNonce()}"${stale ? ", stale=true" : ""}`]);
    if (digest === null || digest.nonce === undefined || digest.username === undefined) {
      // As Asterisk's PJSIP distributor does: a request from an endpoint it does not know is logged at once ("No
      // matching endpoint found", SecurityEvent InvalidAccountID) and still challenged (alwaysauthreject), so a
      // failure needs no nonce: one blind packet with a forged source address counts against that address.
      const fromUser = /<?sips?:([^@>;]+)@/.exec(request.headers.get("from")?.[0] ?? "")?.[1];
      if (fromUser !== undefined && fromUser !== this.config.extension) this.log(request, peer, { kind: "unknown-account", account: oneLine(fromUser).replace(/"/g, "") });
      return challenge(false);
    }
    if (!this.nonces.has(digest.nonce)) return challenge(true);
    const account = oneLine(digest.username).replace(/"/g, "");
    if (digest.username !== this.config.extension) {
      this.log(request, peer, { kind: "unknown-account", account });
      return this.response(request, 403, "Forbidden");
    }
    const expected = digestResponse({
      username: digest.username,
      realm: digest.realm ?? this.config.realm,
      password: this.config.password,
      method: request.method,
      uri: digest.uri ?? request.uri,
      nonce: digest.nonce,
      qop: digest.qop,
      nc: digest.nc,
      cnonce: digest.cnonce,
    });
    if (digest.realm !== this.config.realm || digest.response !== expected) {
      const response = oneLine(digest.response ?? "").replace(/"/g, "");
      this.log(request, peer, { kind: "wrong-password", account, challenge: digest.nonce, response });
      return this.response(request, 403, "Forbidden");
    }
    this.nonces.delete(digest.nonce);
    this.log(request, peer, { kind: "success", account });
    if (request.method === "REGISTER") {
      const contact = request.headers.get("contact")?.[0];
      return this.response(request, 200, "OK", [...(contact === undefined ? [] : [`Contact: ${contact};expires=120`]), "Expires: 120"]);
    }
    return this.response(request, 200, "OK");
  }

  private response(request: SipMessage, code: number, reason: string, extra: string[] = []): string {
    const h = (name: string) => request.headers.get(name) ?? [];
    const to = h("to")[0] ?? "";
    const lines = [
      `SIP/2.0 ${code} ${reason}`,
      ...h("via").map((v) => `Via: ${v}`),
      ...h("from").map((v) => `From: ${v}`),
      `To: ${code !== 100 && !/;tag=/.test(to) ? `${to};tag=${randomBytes(4).toString("hex")}` : to}`,
      ...h("call-id").map((v) => `Call-ID: ${v}`),
      ...h("cseq").map((v) => `CSeq: ${v}`),
      "Server: Asterisk PBX 18.20.0",
      ...extra,
      "Content-Length: 0",
      "",
      "",
    ];
    return lines.join("\r\n");
  }
}

/** Splits a TCP byte stream into SIP messages using Content-Length. */
function takeTcpMessages(buffer: string): { messages: string[]; rest: string } {
  const messages: string[] = [];
  let rest = buffer.replace(/^(\r\n)+/, "");
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    if (end === -1) break;
    const length = Number(/^(?:content-length|l)\s*:\s*(\d+)/im.exec(rest.slice(0, end))?.[1] ?? "0");
    if (rest.length < end + 4 + length) break;
    messages.push(rest.slice(0, end + 4 + length));
    rest = rest.slice(end + 4 + length).replace(/^(\r\n)+/, "");
  }
  return { messages, rest };
}

function main(): void {
  const index = process.argv.indexOf("--config");
  const path = index === -1 ? undefined : process.argv[index + 1];
  if (path === undefined) throw new Error("usage: sip-responder.ts --config FILE");
  const config = JSON.parse(readFileSync(path, "utf8")) as SipResponderConfig;
  const responder = new SipResponder(config);

  const udp = createSocket("udp4");
  udp.on("message", (data: Buffer, rinfo: RemoteInfo) => {
    const request = parseRequest(data.toString("utf8"));
    if (request === null) return;
    const reply = responder.handle(request, { transport: "UDP", address: rinfo.address, port: rinfo.port });
    if (reply !== null) udp.send(reply, rinfo.port, rinfo.address);
  });

  const tcp = createServer((socket: Socket) => {
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 1 << 16) return socket.destroy();
      const taken = takeTcpMessages(buffer);
      buffer = taken.rest;
      for (const text of taken.messages) {
        const request = parseRequest(text);
        if (request === null) continue;
        const reply = responder.handle(request, { transport: "TCP", address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 });
        if (reply !== null) socket.write(reply);
      }
    });
    socket.on("error", () => socket.destroy());
  });

  let bound = 0;
  const onBound = () => {
    if (++bound === 2) writeFileSync(config.readyFile, `${process.pid}\n`);
  };
  udp.bind(config.port, config.address, onBound);
  tcp.listen(config.port, config.address, onBound);
  const stop = () => {
    udp.close();
    tcp.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) main();
