import { countRoute, tenantRestrictionsSpec } from "../../../../lists/_lib/routes";

export const GET = countRoute(tenantRestrictionsSpec);
