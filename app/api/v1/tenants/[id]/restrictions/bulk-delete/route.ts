import { bulkDeleteRoute, tenantRestrictionsSpec } from "../../../../lists/_lib/routes";

export const POST = bulkDeleteRoute(tenantRestrictionsSpec);
