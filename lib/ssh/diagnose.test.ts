import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  buildSipOptions,
  classifySshFailure,
  diagnoseSshFailure,
  explainSshFailure,
  needsSipProbe,
  parseSipAnswer,
  probeSipOptions,
  type DiagnosisInput,
  type SipProbeResult,
} from "./diagnose";
import { HostKeyMismatchError, SshError } from "./errors";
import { fetchHostKey } from "./session";

const base: Omit<DiagnosisInput, "kind" | "sip"> = { host: "198.51.100.7", sshPort: 2222, sipPort: 5060, panelAddress: "203.0.113.5" };

describe("classifySshFailure", () => {
  it("names the connect failures and the missing greeting, and nothing else", () => {
    expect(classifySshFailure(new SshError("connect", "refused", "Cannot reach h:22: ECONNREFUSED."))).toBe("refused");
    expect(classifySshFailure(new SshError("connect", "unreachable", "Cannot reach h:22: EHOSTUNREACH."))).toBe("unreachable");
    expect(classifySshFailure(new SshError("connect", "timeout", "No TCP connection to h:22 within 5 s."))).toBe("connect-timeout");
    expect(classifySshFailure(new SshError("handshake", "timeout", "The SSH handshake did not finish within 10 s."))).toBe("greeting-timeout");
    expect(classifySshFailure(new SshError("connect", "failed", "Cannot reach h:22: ENOTFOUND."))).toBeNull();
    expect(classifySshFailure(new SshError("handshake", "auth", "refused key"))).toBeNull();
    expect(classifySshFailure(new SshError("handshake", "closed", "closed"))).toBeNull();
    expect(classifySshFailure(new SshError("command", "timeout", '"observe" did not finish within 10 s.'))).toBeNull();
    expect(classifySshFailure(new HostKeyMismatchError("SHA256:a", "SHA256:b"))).toBeNull();
    expect(classifySshFailure(new Error("ECONNREFUSED"))).toBeNull();
    expect(classifySshFailure("timeout")).toBeNull();
  });

  it("asks SIP only for timeouts", () => {
    expect(needsSipProbe("connect-timeout")).toBe(true);
    expect(needsSipProbe("greeting-timeout")).toBe(true);
    expect(needsSipProbe("refused")).toBe(false);
    expect(needsSipProbe("unreachable")).toBe(false);
  });
});

describe("explainSshFailure", () => {
  const answered: SipProbeResult = { kind: "answered", statusLine: "SIP/2.0 200 OK", localAddress: "192.0.2.9" };

  it("reads a reset as no sshd or a REJECT rule, on the node's SSH port", () => {
    expect(explainSshFailure({ ...base, kind: "refused", sip: null })).toBe(
      "198.51.100.7 answered with a TCP reset: sshd is not listening on port 2222, or a REJECT rule refuses the panel.",
    );
  });

  it("reads no route as the node or its network down", () => {
    expect(explainSshFailure({ ...base, kind: "unreachable", sip: null })).toBe("No route to the node: it is down or its network is.");
  });

  it("reads SIP answering while SSH times out as a drop or ban of the panel, with the address the node saw", () => {
    expect(explainSshFailure({ ...base, kind: "connect-timeout", sip: answered })).toBe(
      "The node answers SIP but not SSH from the panel: it drops or bans the panel's address (203.0.113.5). " +
        "Unban it on the node's console (`fail2ban-client unban 203.0.113.5`) or check its firewall.",
    );
  });

  it("falls back to the probe's source address, and to a placeholder when neither is known", () => {
    expect(explainSshFailure({ ...base, panelAddress: null, kind: "connect-timeout", sip: answered })).toContain("(192.0.2.9)");
    const unknown = explainSshFailure({ ...base, panelAddress: null, kind: "connect-timeout", sip: { kind: "answered", statusLine: "SIP/2.0 200 OK", localAddress: null } });
    expect(unknown).toContain("it drops or bans the panel's address.");
    expect(unknown).toContain("`fail2ban-client unban <panel address>`");
  });

  it("reads an ICMP port-unreachable from the SIP port as the node being up", () => {
    const text = explainSshFailure({ ...base, kind: "connect-timeout", sip: { kind: "closed", localAddress: null } });
    expect(text).toContain("UDP port 5060 is closed");
    expect(text).toContain("it drops or bans the panel's address (203.0.113.5)");
  });

  it("reads silence everywhere as down or walled off", () => {
    expect(explainSshFailure({ ...base, kind: "connect-timeout", sip: { kind: "silent", localAddress: "192.0.2.9" } })).toMatch(
      /^Nothing on the node answers \(SSH and SIP time out\): it is down or a firewall in front of it drops everything/,
    );
  });

  it("does not claim a drop when SIP could not be asked", () => {
    const text = explainSshFailure({ ...base, kind: "connect-timeout", sip: { kind: "failed", detail: "ENOTFOUND" } });
    expect(text).toContain("(ENOTFOUND)");
    expect(text).not.toContain("fail2ban-client");
    expect(explainSshFailure({ ...base, kind: "connect-timeout", sip: { kind: "unreachable" } })).toBe("No route to the node: it is down or its network is.");
  });

  it("reads a connection without SSH greeting as sshd hung, not as a drop", () => {
    const text = explainSshFailure({ ...base, kind: "greeting-timeout", sip: answered });
    expect(text).toMatch(/^The node answers SIP but not SSH from the panel: port 2222 accepts the connection and sends no SSH greeting/);
    expect(text).not.toContain("fail2ban-client");
    expect(explainSshFailure({ ...base, kind: "greeting-timeout", sip: { kind: "silent", localAddress: null } })).toMatch(/^Port 2222 accepts the connection but sends no SSH greeting and SIP does not answer/);
  });
});

describe("SIP OPTIONS text", () => {
  const request = { host: "198.51.100.7", port: 5070, localAddress: "192.0.2.9", localPort: 40000, branch: "abc", tag: "t1", callId: "c1@rampart" };

  it("is a complete OPTIONS request with CRLF line ends and an empty body, the same for the same input", () => {
    const text = buildSipOptions(request);
    expect(text).toBe(buildSipOptions(request));
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("OPTIONS sip:198.51.100.7:5070 SIP/2.0");
    for (const header of ["Via: SIP/2.0/UDP 192.0.2.9:40000;branch=z9hG4bKabc;rport", "Max-Forwards: 70", "To: <sip:198.51.100.7:5070>", "Call-ID: c1@rampart", "CSeq: 1 OPTIONS", "Content-Length: 0"]) {
      expect(lines).toContain(header);
    }
    expect(text.endsWith("\r\n\r\n")).toBe(true);
    expect(text).not.toMatch(/[^\r]\n/);
  });

  it("brackets IPv6 addresses", () => {
    const text = buildSipOptions({ ...request, host: "2001:db8::7", localAddress: "2001:db8::9" });
    expect(text.startsWith("OPTIONS sip:[2001:db8::7]:5070 SIP/2.0\r\n")).toBe(true);
    expect(text).toContain("Via: SIP/2.0/UDP [2001:db8::9]:40000;");
  });

  it("takes any final or provisional SIP status for our Call-ID as an answer, and nothing else", () => {
    expect(parseSipAnswer("SIP/2.0 200 OK\r\nCall-ID: c1@rampart\r\n\r\n", "c1@rampart")).toBe("SIP/2.0 200 OK");
    expect(parseSipAnswer("SIP/2.0 401 Unauthorized\r\ni: c1@rampart\r\n\r\n", "c1@rampart")).toBe("SIP/2.0 401 Unauthorized");
    expect(parseSipAnswer("SIP/2.0 200 OK\r\nCall-ID: other\r\n\r\n", "c1@rampart")).toBeNull();
    expect(parseSipAnswer("OPTIONS sip:x SIP/2.0\r\nCall-ID: c1@rampart\r\n\r\n", "c1@rampart")).toBeNull();
    expect(parseSipAnswer("HTTP/1.1 200 OK\r\n\r\n", "c1@rampart")).toBeNull();
  });
});

// Real sockets on 127.0.0.1: a closed TCP port, a TCP listener that accepts and never speaks, and a UDP
// socket that answers OPTIONS the way Asterisk does. No timing is asserted, only what is said.
describe("diagnosis over real sockets on 127.0.0.1", () => {
  const host = "127.0.0.1";
  let closedTcpPort = 0;
  let silentTcp: Server;
  let silentTcpPort = 0;
  const silentSockets: Socket[] = [];
  let sip: UdpSocket;
  let sipPort = 0;
  const sipRequests: string[] = [];
  let closedUdpPort = 0;

  const freeTcpPort = () =>
    new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, host, () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
  const freeUdpPort = () =>
    new Promise<number>((resolve) => {
      const probe = createSocket("udp4");
      probe.bind(0, host, () => {
        const { port } = probe.address();
        probe.close(() => resolve(port));
      });
    });

  beforeAll(async () => {
    closedTcpPort = await freeTcpPort();
    closedUdpPort = await freeUdpPort();
    silentTcp = createServer((socket) => silentSockets.push(socket));
    await new Promise<void>((resolve) => silentTcp.listen(0, host, resolve));
    silentTcpPort = (silentTcp.address() as { port: number }).port;
    sip = createSocket("udp4");
    sip.on("message", (message, from) => {
      const text = message.toString("utf8");
      sipRequests.push(text);
      const echoed = text.split("\r\n").filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line));
      sip.send(["SIP/2.0 200 OK", ...echoed, "Content-Length: 0", "", ""].join("\r\n"), from.port, from.address);
    });
    await new Promise<void>((resolve) => sip.bind(0, host, resolve));
    sipPort = sip.address().port;
  });

  afterAll(async () => {
    for (const socket of silentSockets) socket.destroy();
    await new Promise<void>((resolve) => silentTcp.close(() => resolve()));
    await new Promise<void>((resolve) => sip.close(resolve));
  });

  it("the SIP probe gets the responder's 200 and reports the panel's source address", async () => {
    const result = await probeSipOptions(host, sipPort, 2_000);
    expect(result).toEqual({ kind: "answered", statusLine: "SIP/2.0 200 OK", localAddress: host });
    expect(sipRequests.at(-1)?.startsWith(`OPTIONS sip:${host}:${sipPort} SIP/2.0\r\n`)).toBe(true);
  });

  it("the SIP probe reports a closed UDP port (ICMP port unreachable) and silence without throwing", async () => {
    expect(await probeSipOptions(host, closedUdpPort, 2_000)).toEqual({ kind: "closed", localAddress: host });
    // A bound socket that reads and never answers: no ICMP error, no datagram, only the deadline.
    const mute = createSocket("udp4");
    await new Promise<void>((resolve) => mute.bind(0, host, resolve));
    try {
      expect(await probeSipOptions(host, mute.address().port, 300)).toEqual({ kind: "silent", localAddress: host });
    } finally {
      await new Promise<void>((resolve) => mute.close(resolve));
    }
  });

  it("a closed SSH port is a reset: no sshd or a REJECT rule", async () => {
    const error = await fetchHostKey(host, closedTcpPort, { connectMs: 2_000, handshakeMs: 2_000 }).catch((e: unknown) => e);
    const text = await diagnoseSshFailure({ host, sshPort: closedTcpPort, sipPort }, error);
    expect(text).toContain(`Cannot reach ${host}:${closedTcpPort}: ECONNREFUSED.`);
    expect(text).toContain(`sshd is not listening on port ${closedTcpPort}, or a REJECT rule refuses the panel.`);
  });

  it("a listener that accepts and never greets, with SIP answering: answers SIP but not SSH", async () => {
    const error = await fetchHostKey(host, silentTcpPort, { connectMs: 2_000, handshakeMs: 300 }).catch((e: unknown) => e);
    expect(classifySshFailure(error)).toBe("greeting-timeout");
    const text = await diagnoseSshFailure({ host, sshPort: silentTcpPort, sipPort, panelAddress: null }, error);
    expect(text).toContain("The node answers SIP but not SSH from the panel");
    expect(text).toContain(`port ${silentTcpPort} accepts the connection and sends no SSH greeting`);
  });

  it("an SSH connect timeout with SIP answering: the node drops or bans the panel", async () => {
    // A SYN that is dropped cannot be made on loopback without root, so the SSH layer's own timeout error
    // stands in for it; the SIP side is the real responder.
    const error = new SshError("connect", "timeout", `No TCP connection to ${host}:22 within 5 s.`);
    const text = await diagnoseSshFailure({ host, sshPort: 22, sipPort, panelAddress: null }, error);
    expect(text).toBe(
      `No TCP connection to ${host}:22 within 5 s. The node answers SIP but not SSH from the panel: it drops or bans the panel's address (${host}). ` +
        `Unban it on the node's console (\`fail2ban-client unban ${host}\`) or check its firewall.`,
    );
  });

  it("an SSH connect timeout with the SIP port silent too: nothing answers", async () => {
    const mute = createSocket("udp4");
    await new Promise<void>((resolve) => mute.bind(0, host, resolve));
    try {
      const error = new SshError("connect", "timeout", `No TCP connection to ${host}:22 within 5 s.`);
      const text = await diagnoseSshFailure({ host, sshPort: 22, sipPort: mute.address().port }, error, { probeTimeoutMs: 300 });
      expect(text).toContain("Nothing on the node answers (SSH and SIP time out)");
    } finally {
      await new Promise<void>((resolve) => mute.close(resolve));
    }
  });

  it("adds nothing to failures it cannot explain, and probes nothing for them", async () => {
    let probes = 0;
    const probe = async (): Promise<SipProbeResult> => {
      probes += 1;
      return { kind: "silent", localAddress: null };
    };
    expect(await diagnoseSshFailure({ host, sshPort: 22, sipPort }, new SshError("handshake", "auth", "refused"), { probe })).toBeNull();
    expect(await diagnoseSshFailure({ host, sshPort: 22, sipPort }, new Error("boom"), { probe })).toBeNull();
    await diagnoseSshFailure({ host, sshPort: 22, sipPort }, new SshError("connect", "refused", "Cannot reach."), { probe });
    expect(probes).toBe(0);
  });
});
