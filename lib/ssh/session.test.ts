import { createServer, type Server as NetServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ssh2 from "ssh2";

import { NODE_COMMANDS } from "./commands";
import { HostKeyMismatchError, SshError } from "./errors";
import { fingerprintOfKeyBlob } from "./fingerprint";
import { generateClientKey } from "./keys";
import { fetchHostKey, isUploadPathAllowed, NodeSession } from "./session";

// An in-process SSH server (ssh2's Server) stands in for a node: it records every authentication attempt
// and command, so the tests can show what the client sends, and what it never sends.

const { Server, utils } = ssh2;
type Server = InstanceType<typeof Server>;
const hostKey = generateClientKey("test-host");
const otherHost = generateClientKey("other-host");
const client = generateClientKey("test-client");
const parsedHost = utils.parseKey(hostKey.privateKey);
if (parsedHost instanceof Error) throw parsedHost;
const hostFingerprint = fingerprintOfKeyBlob((Array.isArray(parsedHost) ? parsedHost[0] : parsedHost).getPublicSSH());
const parsedOther = utils.parseKey(otherHost.privateKey);
if (parsedOther instanceof Error) throw parsedOther;
const otherFingerprint = fingerprintOfKeyBlob((Array.isArray(parsedOther) ? parsedOther[0] : parsedOther).getPublicSSH());

describe("NodeSession against an in-process SSH server", () => {
  const seen = { auth: 0, commands: [] as string[] };
  let server: Server;
  let port = 0;
  let silent: NetServer;
  let silentPort = 0;

  beforeAll(async () => {
    server = new Server({ hostKeys: [hostKey.privateKey] }, (conn) => {
      conn.on("authentication", (ctx) => {
        seen.auth += 1;
        if (ctx.method === "publickey" && ctx.username === "root") ctx.accept();
        else ctx.reject(["publickey"]);
      });
      conn.on("ready", () => {
        conn.on("session", (accept) => {
          const session = accept();
          session.on("exec", (acceptExec, _reject, info) => {
            seen.commands.push(info.command);
            const stream = acceptExec();
            if (info.command === NODE_COMMANDS.status) {
              // Never answers: the command deadline must end it.
              return;
            }
            if (info.command === NODE_COMMANDS.confirm) {
              // The link drops mid-command: output so far, then no exit status at all.
              stream.write("partial\n");
              setTimeout(() => conn.end(), 20);
              return;
            }
            if (info.command === NODE_COMMANDS.rollback) {
              // Killed by a signal: an exit-signal message instead of an exit status.
              stream.exit("KILL", false, "");
              stream.end();
              return;
            }
            stream.write("end=1\n");
            stream.exit(0);
            stream.end();
          });
        });
      });
      conn.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    port = (server.address() as { port: number }).port;
    // Accepts TCP but never speaks SSH: the handshake deadline must end it.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
    silentPort = (silent.address() as { port: number }).port;
  });

  afterAll(async () => {
    server.close();
    silent.close();
  });

  const target = (fingerprint: string, p = port) => ({ host: "127.0.0.1", port: p, user: "root", privateKey: client.privateKey, hostKeyFingerprint: fingerprint });

  it("fetches the host key fingerprint without authenticating", async () => {
    const before = seen.auth;
    expect((await fetchHostKey("127.0.0.1", port)).fingerprint).toBe(hostFingerprint);
    expect(seen.auth).toBe(before);
  });

  it("refuses a node whose host key differs from the pinned one before authenticating or running anything", async () => {
    const before = { auth: seen.auth, commands: seen.commands.length };
    const error = await NodeSession.open(target(otherFingerprint)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((error as HostKeyMismatchError).received).toBe(hostFingerprint);
    expect(seen.auth).toBe(before.auth);
    expect(seen.commands.length).toBe(before.commands);
  });

  it("runs only commands of the closed set, as their fixed text", async () => {
    const session = await NodeSession.open(target(hostFingerprint));
    try {
      const result = await session.run("probe");
      expect(result.code).toBe(0);
      expect(seen.commands.at(-1)).toBe(NODE_COMMANDS.probe);
      // @ts-expect-error: not a command of the closed set
      await expect(session.run("rm -rf /")).rejects.toThrow();
    } finally {
      session.close();
    }
  });

  it("gives each stage its own deadline", async () => {
    const session = await NodeSession.open(target(hostFingerprint));
    try {
      const error = await session.run("status", 300).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SshError);
      expect((error as SshError).stage).toBe("command");
      expect((error as SshError).reason).toBe("timeout");
    } finally {
      session.close();
    }
    const handshake = await NodeSession.open(target(hostFingerprint, silentPort), { handshakeMs: 300 }).catch((e: unknown) => e);
    expect((handshake as SshError).stage).toBe("handshake");
    expect((handshake as SshError).reason).toBe("timeout");
  });

  it("never takes a dropped connection or a killed command for an exit status", async () => {
    for (const [command, reason] of [
      ["confirm", /The connection closed while "confirm" ran; whether it finished is not known\./],
      ["rollback", /The connection closed while "rollback" was killed by SIGKILL; whether it finished is not known\./],
    ] as const) {
      const session = await NodeSession.open(target(hostFingerprint));
      try {
        const error = await session.run(command, 5_000).catch((e: unknown) => e);
        expect(error, command).toBeInstanceOf(SshError);
        expect([command, (error as SshError).stage, (error as SshError).reason]).toEqual([command, "command", "closed"]);
        expect((error as SshError).message).toMatch(reason);
      } finally {
        session.close();
      }
    }
  });

  it("refuses to upload outside Rampart's directory", () => {
    expect(isUploadPathAllowed("/var/lib/rampart/staging/ipset.restore")).toBe(true);
    for (const path of ["/etc/passwd", "/var/lib/rampart/../../etc/passwd", "/var/lib/rampart/a b", "var/lib/rampart/x", "/var/lib/rampartx/y", "/var/lib/rampart/$(id)"]) {
      expect(isUploadPathAllowed(path)).toBe(false);
    }
  });
});
