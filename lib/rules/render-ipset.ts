/**
 * ipset.restore: `ipset restore` input for every set Rampart owns.
 *
 * Contract with the apply step (lib/deploy), in this order, all fixed argv:
 *   1. For every manifest set with lifecycle "swap": `ipset destroy <tempName>`, ignoring "does not exist"
 *      (a leftover from an interrupted apply would make step 2 fail, which it must not do silently).
 *   2. `ipset restore -file ipset.restore`. List sets are created and filled under their temporary names
 *      (`<name>-new`, TEMP_SET_SUFFIX); nothing live changes yet. Ban sets ("persistent", filled by fail2ban) are
 *      created under their real names with `-exist`, so existing bans are kept.
 *   3. For every "swap" set: if `<name>` exists, `ipset swap <tempName> <name>` then `ipset destroy <tempName>`;
 *      otherwise `ipset rename <tempName> <name>`. Each swap is atomic for that set (2 ms measured).
 *   4. Restore the iptables files (see render-iptables.ts), which reference the sets by their real names; a set
 *      must exist before a rule can reference it, hence this order.
 *   5. `ipset destroy` every set named `rampart-*` that the manifest does not list (a list whose type changed
 *      between hash:ip and hash:net, a GeoIP set after the filter was switched off, the ban sets of a disabled
 *      jail). Only now are they unreferenced.
 * The set's type is part of its name because `ipset swap` refuses sets of different types.
 */
import type { IpSet, ListSet, RulesetModel } from "./model";
import { TEMP_SET_SUFFIX } from "./names";
import { quoteValue } from "./quote";

export interface IpsetRenderOptions {
  /** Appended to the names of list ("swap") sets; "" renders the real names. Default TEMP_SET_SUFFIX. */
  suffix?: string;
}

const NAME_SUFFIX = /^[A-Za-z0-9_-]{0,8}$/;

function familyWord(set: IpSet): string {
  return set.family === 4 ? "inet" : "inet6";
}

/** The temporary name a list set is loaded under. */
export function tempSetName(set: ListSet, suffix = TEMP_SET_SUFFIX): string {
  return `${set.name}${suffix}`;
}

/** Renders `ipset restore` input; deterministic, one line per set and per member, no timestamps. */
export function renderIpsetRestore(model: RulesetModel, options: IpsetRenderOptions = {}): string {
  const suffix = options.suffix ?? TEMP_SET_SUFFIX;
  if (!NAME_SUFFIX.test(suffix)) throw new Error(`Invalid set name suffix ${JSON.stringify(suffix)}.`);
  const lines: string[] = [
    "# Rampart ipset sets. Generated: do not edit. Load with `ipset restore`; see manifest.json for the swap step.",
  ];
  for (const set of model.sets) {
    if (set.lifecycle === "persistent") {
      lines.push(
        `create ${set.name} ${set.type} family ${familyWord(set)} hashsize ${set.hashsize} maxelem ${set.maxelem} timeout ${set.timeout} -exist`,
      );
      continue;
    }
    const name = tempSetName(set, suffix);
    const hasComments = set.members.some((member) => member.comment !== "");
    lines.push(
      `create ${name} ${set.type} family ${familyWord(set)} hashsize ${set.hashsize} maxelem ${set.maxelem}${hasComments ? " comment" : ""}`,
    );
    if (set.members.length === 0) continue;
    // One native join per set: a member without comment contributes its existing string, no new one.
    const items: string[] = new Array(set.members.length);
    for (let i = 0; i < set.members.length; i++) {
      const member = set.members[i] as { network: string; comment: string };
      items[i] = member.comment === "" ? member.network : `${member.network} comment ${quoteValue(member.comment, `the comment of ${member.network}`)}`;
    }
    lines.push(`add ${name} ${items.join(`\nadd ${name} `)}`);
  }
  lines.push("");
  return lines.join("\n");
}
