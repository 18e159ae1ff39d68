import { z } from "zod";
import { apiRoute, readJson } from "@/lib/api/handler";
import { getPanelAddresses, setPanelAddresses } from "@/lib/db/queries/exposure";
import { PANEL_ADDRESSES_MAX } from "@/lib/validation/panel-addresses";

// The panel's own source addresses: always accepted on every management port and in every jail's ignoreip.
// GET: the configured list and what each node saw the panel connect from; PUT replaces the configured list
// (ADMIN only). Each entry is canonicalised and checked by the data layer.

const bodySchema = z.strictObject({
  addresses: z
    .array(z.string({ error: "Each panel address must be text." }), { error: "addresses must be a list of addresses or networks." })
    .max(PANEL_ADDRESSES_MAX, `At most ${PANEL_ADDRESSES_MAX} panel addresses.`),
});

export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => getPanelAddresses(caller));

export const PUT = apiRoute({ permission: "settings:manage" }, async ({ request, caller }) => {
  const { addresses } = bodySchema.parse(await readJson(request, 64 * 1024));
  return setPanelAddresses(caller, addresses);
});
