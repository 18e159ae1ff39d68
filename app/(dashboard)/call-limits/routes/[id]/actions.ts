"use server";

import { z } from "zod";
import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePermission } from "@/lib/auth/guards";
import { priceRouteNumber, type PriceView } from "@/lib/db/queries/route-rates";
import { AppError } from "@/lib/errors";
import { priceQuerySchema } from "@/lib/validation/rates";
import { formText } from "@/lib/validation/tenant";

// The route page's price look-up: policy:read, as the API's; the data layer checks again. Rate imports go to the
// API route (a whole rate file is more than a server action's body limit).

export async function priceRouteNumberAction(_previous: ActionResult<PriceView> | null, formData: FormData): Promise<ActionResult<PriceView>> {
  return runAction(async () => {
    const user = await requirePermission("policy:read");
    const id = z.uuid().safeParse(formText(formData, "routeId"));
    if (!id.success) throw new AppError("NOT_FOUND", "The route cost limit does not exist.");
    const query = priceQuerySchema.parse({ number: formText(formData, "number"), duration: formText(formData, "duration") });
    return priceRouteNumber(callerFromUser(user), id.data, query.number, query.duration);
  });
}
