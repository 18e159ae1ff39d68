/**
 * One SIP OPTIONS over UDP from a chosen attacker address, run inside the attacker namespace: the status line
 * of the answer, or "timeout" after 3 s. A fresh source port each time, because a flow conntrack already
 * knows is ESTABLISHED and GeoIP spares those. Tests and the lab only.
 */
import { runOk } from "@/test/rules/netns";

const OPTIONS_PROBE = `
const dgram = require("node:dgram");
const [host, from] = process.argv.slice(1);
const s = dgram.createSocket("udp4");
const msg = ["OPTIONS sip:" + host + " SIP/2.0", "Via: SIP/2.0/UDP " + from + ";branch=z9hG4bKprobe" + Date.now(), "From: <sip:probe@" + from + ">;tag=1", "To: <sip:" + host + ">", "Call-ID: probe-" + Date.now(), "CSeq: 1 OPTIONS", "User-Agent: Rampart lab probe", "Max-Forwards: 70", "Content-Length: 0", "", ""].join("\\r\\n");
s.on("message", (m) => { console.log(m.toString().split("\\r\\n")[0]); process.exit(0); });
s.bind(20000 + Math.floor(Math.random() * 20000), from, () => s.send(msg, 5060, host));
setTimeout(() => { console.log("timeout"); process.exit(0); }, 3000);
`;

/**
 * What a probe prints when Asterisk answered at all: PJSIP answers an OPTIONS from an unknown user with a digest
 * challenge (401), as it answers every unauthenticated request, so "reached Asterisk" is any final status line.
 */
export const SIP_ANSWERED = /^SIP\/2\.0 [1-6]\d\d /;

export function probeSipOptions(attackerNamespace: string, host: string, from: string): string {
  return runOk("ip", ["netns", "exec", attackerNamespace, process.execPath, "-e", OPTIONS_PROBE, host, from]).trim();
}
