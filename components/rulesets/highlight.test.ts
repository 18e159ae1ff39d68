import { describe, expect, it } from "vitest";
import { formatOf, highlightLine } from "./highlight";

const join = (tokens: { text: string }[]) => tokens.map((t) => t.text).join("");

describe("highlightLine", () => {
  const samples: Array<[string, string]> = [
    ["ipset.restore", "add rampart-bl4-new 192.0.2.0/24"],
    ["iptables.rules", '-A RAMPART-SCAN -m string --string "friendly-scanner" --algo bm -j DROP'],
    ["iptables.rules", "*filter"],
    ["fail2ban/jail.d/rampart.local", "[rampart-asterisk]"],
    ["fail2ban/jail.d/rampart.local", "maxretry = 5"],
    ["manifest.json", '  "hash": "abc", "count": 12,'],
    ["iptables.rules", "# a comment with <b>markup</b>"],
  ];

  it("gives back every line unchanged", () => {
    for (const [path, line] of samples) expect(join(highlightLine(line, formatOf(path)))).toBe(line);
  });

  it("classifies the parts that matter", () => {
    expect(highlightLine("add rampart-bl4 10.0.0.1", "ipset")).toEqual([
      { kind: "keyword", text: "add" }, { kind: "plain", text: " " }, { kind: "name", text: "rampart-bl4" }, { kind: "plain", text: " " }, { kind: "number", text: "10.0.0.1" },
    ]);
    expect(highlightLine("[sshd]", "ini")[0]?.kind).toBe("section");
    expect(highlightLine("-j DROP", "iptables").map((t) => t.kind)).toEqual(["flag", "plain", "keyword"]);
    expect(highlightLine("# note", "iptables")).toEqual([{ kind: "comment", text: "# note" }]);
  });
});
