/**
 * zod schemas for address input, shared by every boundary (forms, server actions, API, CLI, imports). They
 * wrap the strict parser in lib/net/parse, so each turns text into a ParsedNetwork and the message a user sees
 * is the parser's own.
 *
 *   hostAddressSchema            one address ("10.0.0.1", "2001:db8::1"; a /32 or /128 suffix is allowed)
 *   networkSchema                an address or network, but not an over-broad one (IPv4 wider than /8, IPv6
 *                                wider than /32, /0 included): a typo such as /1 for /31 must not lock out or
 *                                expose half the Internet without anyone noticing
 *   confirmableNetworkSchema     { network, confirmBroad? }: like networkSchema, and over-broad networks pass
 *                                when confirmBroad is true. For forms that show an "I mean this" checkbox
 *   networkSchemaAllowingBroad   any network, no confirmation: only where breadth is not a user's slip
 *                                (re-validating stored policy, whose breadth was confirmed when entered)
 *   optionalNetworkFilter(msg)   a search filter (query string): empty is no filter, anything else an address
 *                                or network of any breadth (a filter exposes nothing)
 *
 * A checkbox posts "on" or nothing, so a server action passes `confirmBroad: formData.get("confirmBroad") === "on"`;
 * the schema takes a boolean only, never a string that merely looks true.
 */
import { z } from "zod";

import { parseHostAddress, parseNetwork, type ParsedNetwork, type ParseResult } from "@/lib/net/parse";
import { safeText } from "@/lib/validation/text";

const NOT_TEXT = "Enter the IP address as text.";

/** The share of the family's address space a network covers, in words: "1/16 of all IPv4 addresses". */
function describeShare(network: ParsedNetwork): string {
  const space = `IPv${network.family} addresses`;
  return network.prefixLength === 0 ? `all ${space}` : `1/${(2 ** network.prefixLength).toLocaleString("en-US")} of all ${space}`;
}

function overBroadMessage(network: ParsedNetwork, canConfirm: boolean): string {
  const limit = network.family === 4 ? "/8" : "/32";
  return canConfirm
    ? `${network.canonical} covers ${describeShare(network)}: confirm that you mean a network this broad.`
    : `${network.canonical} covers ${describeShare(network)}, which is too broad here: use a network of ${limit} or narrower.`;
}

function textToNetwork(parse: (text: string) => ParseResult, allowBroad: boolean) {
  return safeText({ error: NOT_TEXT }).transform((text, ctx): ParsedNetwork => {
    const result = parse(text);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: result.error, input: text });
      return z.NEVER;
    }
    if (result.value.isOverBroad && !allowBroad) {
      ctx.addIssue({ code: "custom", message: overBroadMessage(result.value, false), input: text });
      return z.NEVER;
    }
    return result.value;
  });
}

/** A single host address; the issue message is the parser's. */
export const hostAddressSchema = textToNetwork(parseHostAddress, true);

/** A host or network that is not over-broad; the issue message is the parser's, or says the network is too broad. */
export const networkSchema = textToNetwork(parseNetwork, false);

/** Any host or network, over-broad ones included, without confirmation. Not for direct user input. */
export const networkSchemaAllowingBroad = textToNetwork(parseNetwork, true);

/** An address or network to filter by; missing or empty text is no filter. `notText` is the message for a non-string. */
export function optionalNetworkFilter(notText: string) {
  return safeText({ error: notText })
    .trim()
    .optional()
    .transform((value, ctx): ParsedNetwork | undefined => {
      if (value === undefined || value === "") return undefined;
      const parsed = parseNetwork(value);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.error });
        return z.NEVER;
      }
      return parsed.value;
    });
}

/**
 * `{ network, confirmBroad? }` → ParsedNetwork. Parser errors are reported at path ["network"]; an over-broad
 * network without `confirmBroad: true` at path ["confirmBroad"], where the missing answer is.
 */
export const confirmableNetworkSchema = z
  .object({
    network: safeText({ error: NOT_TEXT }),
    confirmBroad: z.boolean().optional(),
  })
  .transform(({ network, confirmBroad }, ctx): ParsedNetwork => {
    const result = parseNetwork(network);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", path: ["network"], message: result.error, input: network });
      return z.NEVER;
    }
    if (result.value.isOverBroad && confirmBroad !== true) {
      ctx.addIssue({ code: "custom", path: ["confirmBroad"], message: overBroadMessage(result.value, true), input: confirmBroad });
      return z.NEVER;
    }
    return result.value;
  });

export type ConfirmableNetworkInput = z.input<typeof confirmableNetworkSchema>;
