import { isAppError } from "@/lib/errors";
import { describe, expect, it } from "vitest";

import { agentError, parseApplied, parseConfirmed, parseProbe, parseStatus } from "./agent-output";

// Fixtures follow what the node really prints:
//   probe   (lib/ssh/commands.ts PROBE): echo "kernel=$(uname -sr)"; echo "iptables=$(iptables -V | head -n 1)"; ...
//           `command -v "$t" && echo "has=$t"` per helper; echo "agent=$(sha256sum AGENT | cut -d ' ' -f 1)";
//           echo "version=$(cat /var/lib/rampart/current/version)"; echo end=1
//   status  (rampart-node.sh cmd_status): version=, confirmed_digest=, digest=, [pending=, pending_deadline=],
//           [rollback_at=, rollback_deployment=, rollback_reason=, rollback_ok=], boot_restore=unit|hook|none, end=1
//   apply   cmd_apply: `cat "$RESULT"`, which apply-run wrote as "applied $deadline" or "failed <last lines>"
//   confirm cmd_confirm: echo "confirmed $(cat "$CUR/version") $d"
//   errors  die(): echo "error: $*" >&2
// Tool lines are those of iptables 1.8.9, ipset 7.17 and fail2ban 1.0.2 on Debian 12.

const AGENT = "1".repeat(64);
const V = "a".repeat(64);
const D = "b".repeat(64);
const D2 = "c".repeat(64);
const DEPLOYMENT = "0b6f4a1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
const HELPERS = ["iptables-restore", "ip6tables-restore", "flock", "setsid", "sha256sum"];

function probeOutput(overrides: Partial<Record<"kernel" | "iptables" | "ip6tables" | "ipset" | "fail2ban" | "agent" | "version" | "client", string>> & { has?: string[]; end?: boolean } = {}): string {
  return [
    `kernel=${overrides.kernel ?? "Linux 6.1.0-28-amd64"}`,
    `iptables=${overrides.iptables ?? "iptables v1.8.9 (nf_tables)"}`,
    `ip6tables=${overrides.ip6tables ?? "ip6tables v1.8.9 (nf_tables)"}`,
    `ipset=${overrides.ipset ?? "ipset v7.17, protocol version: 7"}`,
    `fail2ban=${overrides.fail2ban ?? "1.0.2"}`,
    ...(overrides.has ?? HELPERS).map((tool) => `has=${tool}`),
    `agent=${overrides.agent ?? AGENT}`,
    `version=${overrides.version ?? V}`,
    `client=${overrides.client ?? "198.18.0.1"}`,
    ...(overrides.end === false ? [] : ["end=1"]),
    "",
  ].join("\n");
}

describe("parseProbe", () => {
  it("reads a complete probe of a ready node", () => {
    expect(parseProbe(probeOutput())).toEqual({
      tools: {
        kernel: "Linux 6.1.0-28-amd64",
        iptables: { version: "1.8.9", backend: "nft" },
        ip6tables: { version: "1.8.9", backend: "nft" },
        ipset: "7.17",
        fail2ban: "1.0.2",
        missing: [],
      },
      agentHash: AGENT,
      version: V,
      clientAddress: "198.18.0.1",
    });
  });

  it("reads the panel's address as the node sees it, through the strict parser only", () => {
    expect(parseProbe(probeOutput({ client: "2001:db8::1" })).clientAddress).toBe("2001:db8::1");
    for (const client of ["", "198.18.0.1 22", "198.018.0.1", "198.18.0.0/24", "localhost", "$(id)"]) {
      expect([client, parseProbe(probeOutput({ client })).clientAddress]).toEqual([client, null]);
    }
  });

  it("tells the legacy backend from nf_tables, and takes a pre-1.8 iptables (no backend tag) as legacy", () => {
    const legacy = parseProbe(probeOutput({ iptables: "iptables v1.8.7 (legacy)", ip6tables: "ip6tables v1.6.1" })).tools;
    expect(legacy.iptables).toEqual({ version: "1.8.7", backend: "legacy" });
    expect(legacy.ip6tables).toEqual({ version: "1.6.1", backend: "legacy" });
  });

  it("reads fail2ban's version with or without a leading v", () => {
    expect(parseProbe(probeOutput({ fail2ban: "v0.11.2" })).tools.fail2ban).toBe("0.11.2");
    expect(parseProbe(probeOutput({ fail2ban: "1.1" })).tools.fail2ban).toBe("1.1");
  });

  it("reports a node Rampart never reached: no agent, no version", () => {
    const probe = parseProbe(probeOutput({ agent: "", version: "" }));
    expect(probe.agentHash).toBeNull();
    expect(probe.version).toBeNull();
    expect(probe.tools.missing).toEqual([]);
  });

  it("lists every missing tool and helper, tools first, in a fixed order", () => {
    const probe = parseProbe(probeOutput({ iptables: "", ip6tables: "", ipset: "", fail2ban: "", has: ["iptables-restore", "sha256sum"] }));
    expect(probe.tools).toMatchObject({ iptables: null, ip6tables: null, ipset: null, fail2ban: null });
    expect(probe.tools.missing).toEqual(["iptables", "ip6tables", "ipset", "fail2ban", "ip6tables-restore", "flock", "setsid"]);
  });

  it("counts a tool whose version line it cannot read as missing instead of guessing", () => {
    const probe = parseProbe(probeOutput({ iptables: "iptables: unrecognised option", ipset: "ipset", fail2ban: "Fail2Ban" }));
    expect(probe.tools.missing).toEqual(["iptables", "ipset", "fail2ban"]);
  });

  it("refuses an agent hash or version that is not 64 lower-case hex digits (the agent is then re-uploaded)", () => {
    for (const bad of ["1".repeat(63), "1".repeat(65), "A".repeat(64), `${"1".repeat(63)}g`, `${"1".repeat(64)}  /var/lib/rampart/agent/rampart-node.sh`]) {
      const probe = parseProbe(probeOutput({ agent: bad, version: bad }));
      expect(probe.agentHash, bad).toBeNull();
      expect(probe.version, bad).toBeNull();
    }
  });

  it("throws when the output stops before end=1", () => {
    expect(() => parseProbe(probeOutput({ end: false }))).toThrow(/tool probe ended early/);
    const cut = probeOutput().slice(0, probeOutput().indexOf("agent=") + 20);
    expect(() => parseProbe(cut)).toThrow(/tool probe ended early/);
    expect(() => parseProbe("")).toThrow(/tool probe ended early/);
  });

  it("ignores login banners, unknown keys and lines without a key", () => {
    const noisy = `Welcome to pbx-1!\n=orphan value\nmotd_version=9\n${probeOutput()}future_key=1\n`;
    expect(parseProbe(noisy)).toEqual(parseProbe(probeOutput()));
  });

  it("takes the first of repeated keys and trims values, so CRLF line ends do not spoil them", () => {
    const crlf = probeOutput().replaceAll("\n", "\r\n");
    expect(parseProbe(crlf)).toEqual(parseProbe(probeOutput()));
    const repeated = probeOutput().replace("end=1", `version=${D}\nend=1`);
    expect(parseProbe(repeated).version).toBe(V);
  });
});

function statusOutput(lines: string[], end = true): string {
  return [...lines, ...(end ? ["end=1"] : []), ""].join("\n");
}

describe("parseStatus", () => {
  it("reads a confirmed node without drift, nothing pending and no rollback on record", () => {
    expect(parseStatus(statusOutput([`version=${V}`, `confirmed_digest=${D}`, `digest=${D}`]))).toEqual({
      version: V,
      confirmedDigest: D,
      digest: D,
      pending: null,
      lastRollback: null,
      bootRestore: null,
    });
  });

  it.each(["unit", "hook", "none"] as const)("reads what restores the node at boot: boot_restore=%s", (kind) => {
    expect(parseStatus(statusOutput([`version=${V}`, `confirmed_digest=${D}`, `digest=${D}`, `boot_restore=${kind}`])).bootRestore).toBe(kind);
  });

  it.each(["", "Unit", "systemd", "unit hook", "none "])("reads boot_restore=%j as unknown (null), never as a restore that exists", (value) => {
    // Values are trimmed by the key=value reader, so "none " is "none"; everything else is unknown.
    const expected = value.trim() === "none" ? "none" : null;
    expect(parseStatus(statusOutput([`version=${V}`, `boot_restore=${value}`])).bootRestore).toBe(expected);
  });

  it("reads an older agent's status (no boot_restore line) as unknown", () => {
    expect(parseStatus(statusOutput([`version=${V}`, `confirmed_digest=${D}`, `digest=${D}`])).bootRestore).toBeNull();
  });

  it("reads a node that never confirmed a version: only the live digest", () => {
    expect(parseStatus(statusOutput(["version=", "confirmed_digest=", `digest=${D2}`]))).toMatchObject({ version: null, confirmedDigest: null, digest: D2 });
  });

  it("reads a pending apply and its rollback deadline (epoch seconds)", () => {
    const status = parseStatus(statusOutput([`version=${V}`, `confirmed_digest=${D}`, `digest=${D2}`, `pending=${DEPLOYMENT}`, "pending_deadline=1795271760"]));
    expect(status.pending).toEqual({ deployment: DEPLOYMENT, deadline: 1795271760 });
  });

  it("reads a pending apply whose deadline is not written yet (apply-run has not finished) as deadline null", () => {
    // cmd_apply writes "deployment=ID\npid=\ndeadline=\n" before apply-run fills in the deadline.
    const status = parseStatus(statusOutput([`version=${V}`, `confirmed_digest=${D}`, `digest=${D}`, `pending=${DEPLOYMENT}`, "pending_deadline="]));
    expect(status.pending).toEqual({ deployment: DEPLOYMENT, deadline: null });
  });

  it("reads the last rollback, keeping a reason that contains '=' and ':' whole", () => {
    const status = parseStatus(
      statusOutput([
        `version=${V}`,
        `confirmed_digest=${D}`,
        `digest=${D}`,
        "rollback_at=1795271700",
        `rollback_deployment=${DEPLOYMENT}`,
        "rollback_reason=apply failed: iptables-restore: line 7 failed: x=y",
        "rollback_ok=1",
      ]),
    );
    expect(status.lastRollback).toEqual({ at: new Date("2026-11-21T14:35:00.000Z"), deployment: DEPLOYMENT, reason: "apply failed: iptables-restore: line 7 failed: x=y", ok: true });
  });

  it("reports a rollback whose restore failed as not ok, and one by request with no deployment as an empty id", () => {
    const status = parseStatus(statusOutput([`version=${V}`, "rollback_at=1795271700", "rollback_deployment=", "rollback_reason=rolled back on request", "rollback_ok=0"]));
    expect(status.lastRollback).toMatchObject({ deployment: "", reason: "rolled back on request", ok: false });
  });

  it.each(["", "true", "01"])("reports a rollback as ok only for rollback_ok=1, not for %j", (ok) => {
    expect(parseStatus(statusOutput(["rollback_at=1795271700", `rollback_deployment=${DEPLOYMENT}`, "rollback_reason=x", `rollback_ok=${ok}`])).lastRollback?.ok).toBe(false);
  });

  it.each(["", "0", "soon", "-1"])("ignores a rollback record whose time is %j", (at) => {
    expect(parseStatus(statusOutput([`rollback_at=${at}`, `rollback_deployment=${DEPLOYMENT}`, "rollback_reason=x", "rollback_ok=1"])).lastRollback).toBeNull();
  });

  it("reads a garbled digest or version as unknown (null) rather than as drift evidence", () => {
    const status = parseStatus(statusOutput([`version=${V.toUpperCase()}`, `confirmed_digest=${D.slice(1)}`, `digest=${D} extra`]));
    expect(status).toMatchObject({ version: null, confirmedDigest: null, digest: null });
  });

  it("throws when the report stops before end=1", () => {
    expect(() => parseStatus(statusOutput([`version=${V}`, `confirmed_digest=${D}`], false))).toThrow(/status report ended early/);
    expect(() => parseStatus("")).toThrow(/status report ended early/);
  });

  it("ignores unknown keys", () => {
    const plain = statusOutput([`version=${V}`, `confirmed_digest=${D}`, `digest=${D}`]);
    const extra = statusOutput(["agent_version=2", `version=${V}`, `confirmed_digest=${D}`, "some text", `digest=${D}`, "rollback=maybe"]);
    expect(parseStatus(extra)).toEqual(parseStatus(plain));
  });
});

describe("parseApplied", () => {
  it("turns `applied <epoch>` into the moment the node's rollback timer fires", () => {
    expect(parseApplied("applied 1795271760\n")).toEqual(new Date("2026-11-21T14:36:00.000Z"));
  });

  it("finds the line among others", () => {
    expect(parseApplied("note: something\napplied 1795271760\n")?.getTime()).toBe(1795271760_000);
  });

  it.each([
    ["a failed apply", "failed ipset swap failed "],
    ["no epoch", "applied \n"],
    ["a non-numeric epoch", "applied 17952717x0\n"],
    ["a negative epoch", "applied -5\n"],
    ["trailing text", "applied 1795271760 ok\n"],
    ["a prefix", "not applied 1795271760\n"],
    ["nothing", ""],
  ])("returns null for %s", (_what, stdout) => {
    expect(parseApplied(stdout)).toBeNull();
  });
});

describe("parseConfirmed", () => {
  it("reads `confirmed <version> <digest>`", () => {
    expect(parseConfirmed(`confirmed ${V} ${D}\n`)).toEqual({ version: V, digest: D });
  });

  it.each([
    ["an empty version (no apply.conf recorded)", `confirmed  ${D}\n`],
    ["a short digest", `confirmed ${V} ${D.slice(1)}\n`],
    ["an upper-case version", `confirmed ${V.toUpperCase()} ${D}\n`],
    ["a missing digest", `confirmed ${V}\n`],
    ["trailing text", `confirmed ${V} ${D} extra\n`],
    ["the agent's refusal", "error: nothing to confirm\n"],
    ["nothing", ""],
  ])("returns null for %s", (_what, stdout) => {
    expect(parseConfirmed(stdout)).toBeNull();
  });
});

describe("agentError", () => {
  it("returns the text of the agent's `error:` line", () => {
    const result = { stdout: "", stderr: "error: health check failed (fail2ban does not answer); the previous state was restored\n", code: 1 };
    expect(agentError(result)).toBe("health check failed (fail2ban does not answer); the previous state was restored");
  });

  it("keeps only the first line of a multi-line error, and prefers it over later lines", () => {
    const stderr = "error: ipset rejected the sets: ipset v7.17: Error in line 3: Syntax error\nTry `ipset help' for more information.\n";
    expect(agentError({ stdout: "", stderr, code: 1 })).toBe("ipset rejected the sets: ipset v7.17: Error in line 3: Syntax error");
  });

  it("finds an `error:` line on stdout too, but not one in the middle of a line", () => {
    expect(agentError({ stdout: "error: nothing is staged\n", stderr: "", code: 1 })).toBe("nothing is staged");
    expect(agentError({ stdout: "", stderr: "fatal error: disk full\n", code: 1 })).toBe("fatal error: disk full");
  });

  it("falls back to the last non-empty line, stdout after stderr (a failed apply prints `failed ...`)", () => {
    expect(agentError({ stdout: "failed iptables-restore failed \n\n", stderr: "", code: 1 })).toBe("failed iptables-restore failed");
    expect(agentError({ stdout: "", stderr: "fail2ban is not running\n  \n", code: 1 })).toBe("fail2ban is not running");
    expect(agentError({ stdout: "failed ipset swap failed", stderr: "warning: clock skew\n", code: 1 })).toBe("failed ipset swap failed");
  });

  it("falls back to the exit status when nothing was printed", () => {
    expect(agentError({ stdout: "", stderr: "", code: 127 })).toBe("exit status 127");
    expect(agentError({ stdout: "\n \n", stderr: "\n", code: 1 })).toBe("exit status 1");
  });

  it("caps the message at 500 characters", () => {
    expect(agentError({ stdout: "", stderr: `error: ${"x".repeat(2000)}\n`, code: 1 })).toHaveLength(500);
    expect(agentError({ stdout: `${"y".repeat(2000)}\n`, stderr: "", code: 1 })).toHaveLength(500);
  });
});

describe("output that ends early", () => {
  it("is an AppError with a 502 (the node's fault), so no route answers it with a 500", () => {
    for (const parse of [parseProbe, parseStatus]) {
      let thrown: unknown;
      try {
        parse("kernel=6.1\n");
      } catch (error) {
        thrown = error;
      }
      expect(isAppError(thrown) && thrown.status).toBe(502);
    }
  });
});
