import { importRoute, tenantRestrictionsSpec } from "../../../../lists/_lib/routes";

export const POST = importRoute(tenantRestrictionsSpec);
