/**
 * iptables.rules / ip6tables.rules: `iptables-restore --noflush` input that touches only Rampart's chains.
 *
 * With --noflush, a `:CHAIN - [0:0]` line creates the chain or flushes it if it exists, so every apply replaces
 * the contents of Rampart's chains and leaves every other chain (fail2ban's f2b-*, Docker's, the
 * administrator's) and their rules untouched. The jump from INPUT is handled by a `-D` / `-I 1` pair: re-applying
 * keeps exactly one jump and moves it back to the top if something was inserted above it since. A `-D` of a rule
 * that does not exist fails the whole (atomic) restore, so the first apply on a node is preceded by a bootstrap,
 * run only when `iptables -w -C INPUT -j RAMPART-INPUT` fails (manifest.json "apply.bootstrap"):
 *   iptables -w -N RAMPART-INPUT   (ignore "Chain already exists")
 *   iptables -w -I INPUT 1 -j RAMPART-INPUT
 * The bootstrap changes nothing in filtering: an empty chain returns.
 *
 * Rules are written exactly as `iptables -S` prints them (option order, defaults left out), so drift checks
 * can compare a chain's listing with the rendered lines.
 */
import type { Chain, FamilyFirewall, Match, Rule, RulesetModel, Target } from "./model";
import { CHAINS } from "./names";
import { quoteValue } from "./quote";

/** The two lines that keep one jump from INPUT, at the top. */
export function hookLines(): [string, string] {
  return [`-D INPUT -j ${CHAINS.input}`, `-I INPUT 1 -j ${CHAINS.input}`];
}

/** argv of the bootstrap (see above), for the apply step; run with iptables or ip6tables. */
export const BOOTSTRAP_ARGV: readonly (readonly string[])[] = [
  ["-w", "-N", CHAINS.input],
  ["-w", "-I", "INPUT", "1", "-j", CHAINS.input],
];

function renderMatch(match: Match): string {
  switch (match.kind) {
    case "in-interface":
      return `-i ${match.name}`;
    case "protocol":
      return `-p ${match.protocol}`;
    case "icmp6-type":
      return `-m icmp6 --icmpv6-type ${match.type}`;
    case "icmp-type":
      return `-m icmp --icmp-type ${match.type}`;
    case "tcp-flags":
      return `-m tcp ${match.negate ? "! " : ""}--tcp-flags ${match.mask.join(",")} ${match.set.length === 0 ? "NONE" : match.set.join(",")}`;
    case "ctstate-new":
      return "-m conntrack --ctstate NEW";
    case "hop-limit":
      return `-m hl --hl-eq ${match.equals}`;
    case "dports":
      return `-m multiport --dports ${match.ports.join(",")}`;
    case "dport-range":
      return `-m ${match.protocol} --dport ${match.min === match.max ? match.min : `${match.min}:${match.max}`}`;
    case "set":
      return `-m set ${match.negate ? "! " : ""}--match-set ${match.name} src`;
    case "ctstate-established":
      return `-m conntrack ${match.negate ? "! " : ""}--ctstate RELATED,ESTABLISHED`;
    case "string":
      return `-m string --string ${quoteValue(match.text, "a scanner signature")} --algo bm`;
    case "recent-set":
      return `-m recent --set --name ${match.name} --mask ${match.mask} --rsource`;
    case "recent-update":
      return `-m recent --update --seconds ${match.seconds} --hitcount ${match.hitcount} --rttl --name ${match.name} --mask ${match.mask} --rsource`;
    case "hashlimit-above": {
      // iptables prints --hashlimit-burst even at its default (5), so it is always written.
      const srcmask = match.srcmask === null ? "" : ` --hashlimit-srcmask ${match.srcmask}`;
      // Options in the order `iptables -S` prints them, so the rendered and the saved rule read the same.
      return `-m hashlimit --hashlimit-above ${match.perSecond}/${match.unit === "minute" ? "min" : "sec"} --hashlimit-burst ${match.burst} --hashlimit-mode srcip --hashlimit-name ${match.name} --hashlimit-htable-expire ${match.expireMs}${srcmask}`;
    }
    case "limit":
      return `-m limit --limit ${match.perMinute}/min`;
  }
}

function renderTarget(target: Target): string {
  switch (target.kind) {
    case "ACCEPT":
    case "DROP":
    case "RETURN":
      return `-j ${target.kind}`;
    case "jump":
      return `-j ${target.chain}`;
    case "LOG":
      return `-j LOG --log-prefix ${quoteValue(target.prefix, "a log prefix")}`;
    case "REJECT":
      return `-j REJECT --reject-with ${target.with}`;
  }
}

/** One `-A` line, as `iptables -S` prints it. */
export function renderRule(chain: string, rule: Rule): string {
  const parts = [`-A ${chain}`, ...rule.matches.map(renderMatch)];
  if (rule.target !== null) parts.push(renderTarget(rule.target));
  return parts.join(" ");
}

function renderChains(chains: readonly Chain[]): string[] {
  const lines = chains.map((chain) => `:${chain.name} - [0:0]`);
  for (const chain of chains) for (const rule of chain.rules) lines.push(renderRule(chain.name, rule));
  return lines;
}

/** Renders `iptables-restore --noflush` (or ip6tables) input for one family; deterministic. */
export function renderIptablesRules(model: RulesetModel, family: 4 | 6): string {
  const firewall = model.firewall.find((f: FamilyFirewall) => f.family === family);
  if (firewall === undefined) throw new Error(`No IPv${family} firewall in the model.`);
  const tool = family === 4 ? "iptables" : "ip6tables";
  return [
    `# Rampart firewall rules (IPv${family}). Generated: do not edit. Apply with \`${tool}-restore --noflush\`:`,
    "# only the RAMPART-* chains and the single jump from INPUT are touched.",
    "*filter",
    ...renderChains(firewall.chains),
    ...hookLines(),
    "COMMIT",
    "",
  ].join("\n");
}
