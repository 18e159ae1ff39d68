import { exportRoute, tenantRestrictionsSpec } from "../../../../lists/_lib/routes";

export const GET = exportRoute(tenantRestrictionsSpec);
