// A small, safe highlighter for the artefact formats Rampart renders (ipset restore, iptables-restore,
// fail2ban INI, JSON). It returns tokens, not HTML: React escapes every text node.

export type TokenKind = "plain" | "comment" | "section" | "key" | "flag" | "keyword" | "string" | "number" | "name";
export interface Token {
  kind: TokenKind;
  text: string;
}
export type ArtefactFormat = "ipset" | "iptables" | "ini" | "json";

export function formatOf(path: string): ArtefactFormat {
  if (path.endsWith(".json")) return "json";
  if (path.endsWith(".restore")) return "ipset";
  if (path.endsWith(".rules")) return "iptables";
  return "ini";
}

const WORD = /(\s+|"[^"]*"|\S+)/g;
const IPSET_KEYWORDS = new Set(["create", "add", "swap", "destroy", "flush"]);
const IPTABLES_KEYWORDS = new Set(["ACCEPT", "DROP", "REJECT", "RETURN", "LOG", "COMMIT"]);

function words(line: string, classify: (word: string, index: number) => TokenKind): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  for (const match of line.matchAll(WORD)) {
    const text = match[0];
    if (/^\s+$/.test(text)) tokens.push({ kind: "plain", text });
    else tokens.push({ kind: classify(text, index++), text });
  }
  return tokens;
}

const isNumberish = (w: string) => /^[0-9][0-9a-f:./-]*$/i.test(w);

/** Tokens of one line in the given format; concatenating their text gives the line back unchanged. */
export function highlightLine(line: string, format: ArtefactFormat): Token[] {
  if (line === "") return [];
  if (format === "json") {
    const tokens: Token[] = [];
    for (const match of line.matchAll(/("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?)|([^"\d-]+|-)/g)) {
      if (match[1]) tokens.push({ kind: match[2] ? "key" : "string", text: match[1] }, ...(match[2] ? [{ kind: "plain" as const, text: match[2] }] : []));
      else if (match[3]) tokens.push({ kind: "number", text: match[3] });
      else tokens.push({ kind: "plain", text: match[0] });
    }
    return tokens;
  }
  if (/^\s*[#;]/.test(line)) return [{ kind: "comment", text: line }];
  if (format === "ini") {
    if (/^\s*\[.*\]\s*$/.test(line)) return [{ kind: "section", text: line }];
    const kv = /^(\s*[A-Za-z0-9_.-]+\s*)(=)(.*)$/.exec(line);
    if (kv) return [{ kind: "key", text: kv[1]! }, { kind: "plain", text: kv[2]! }, { kind: "string", text: kv[3]! }];
    return [{ kind: "plain", text: line }];
  }
  if (format === "iptables") {
    if (/^\*/.test(line)) return [{ kind: "section", text: line }];
    if (/^:/.test(line)) return [{ kind: "name", text: line }];
    return words(line, (w) => (w.startsWith("-") ? "flag" : IPTABLES_KEYWORDS.has(w) ? "keyword" : w.startsWith('"') ? "string" : isNumberish(w) ? "number" : "plain"));
  }
  return words(line, (w, i) => (i === 0 && IPSET_KEYWORDS.has(w) ? "keyword" : i === 1 ? "name" : isNumberish(w) ? "number" : "plain"));
}
