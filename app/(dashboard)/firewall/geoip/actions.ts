"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";

import { runAction, toFieldErrors, type ActionResult } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { getPortsSettings, updateGeoIpSettings, updatePortsSettings } from "@/lib/db/queries/settings";
import { AppError } from "@/lib/errors";
import {
  collectFormErrors,
  foldListErrors,
  geoIpSettingsSchema,
  portsFormSchema,
  portsToForm,
  type GeoIpSettings,
  type PortsFormValues,
} from "@/lib/validation/settings";

/** Saves the GeoIP mode and allowed countries; answers the stored policy (countries sorted). */
export async function saveGeoIpAction(input: GeoIpSettings): Promise<ActionResult<GeoIpSettings>> {
  return runAction(async () => {
    const user = await requirePermission("policy:write");
    const parsed = geoIpSettingsSchema.safeParse(input);
    if (!parsed.success) {
      // The picker is one control: problems with single entries ("countries.3") belong to it.
      const fieldErrors = foldListErrors(toFieldErrors(parsed.error), { countries: "" });
      throw new AppError("VALIDATION", fieldErrors.countries?.[0] ?? "Check the highlighted fields.", fieldErrors);
    }
    const saved = await updateGeoIpSettings(callerFromUser(user, getClientIp(await headers())), parsed.data);
    revalidatePath("/firewall/geoip");
    return saved;
  });
}

/** Saves the SSH and web ports; answers the stored lists (sorted) for the form to show. */
export async function savePortsAction(input: PortsFormValues): Promise<ActionResult<PortsFormValues>> {
  return runAction(async () => {
    const caller = callerFromUser(await requirePermission("policy:write"), getClientIp(await headers()));
    const parsed = portsFormSchema.safeParse(input);
    if (!parsed.success) {
      const fallback = portsToForm(await getPortsSettings(caller));
      const errors = collectFormErrors(portsFormSchema, input, { ...fallback }) ?? {};
      const lists = {
        sshPorts: typeof input?.sshPorts === "string" ? input.sshPorts : "",
        webPorts: typeof input?.webPorts === "string" ? input.webPorts : "",
      };
      throw new AppError("VALIDATION", "Check the highlighted fields.", foldListErrors(errors, lists));
    }
    const saved = await updatePortsSettings(caller, parsed.data);
    revalidatePath("/firewall/geoip");
    return portsToForm(saved);
  });
}
