import { apiRoute, readJson } from "@/lib/api/handler";
import { unbanAddresses } from "@/lib/observe/unban";
import "@/lib/observe/register-unbanner";
import { unbanRequestSchema } from "@/lib/validation/bans";

// POST /api/v1/bans/unban { addresses, nodeIds, jail?, then?, comment?, expiresAt? }: the Bans page's Unban. The
// answer says per node and jail whether the node confirmed it (a node that cannot be reached is a row with
// isUnbanned false, not an error). Another tenant's address is a 404, as on the page.

/** 500 addresses and 1,000 node ids fit with room. */
const MAX_BODY_BYTES = 256 * 1024;

export const POST = apiRoute({ permission: "bans:write" }, async ({ request, caller }) => {
  // The shape is checked here (unknown fields, too many addresses: 422); unbanAddresses parses the request again
  // with the whole schema, addresses included, before anything reaches a node.
  const input = unbanRequestSchema.in.parse(await readJson(request, MAX_BODY_BYTES));
  return unbanAddresses(caller, input);
});
