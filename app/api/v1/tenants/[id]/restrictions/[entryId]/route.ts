import { entryRoutes, tenantRestrictionsSpec } from "../../../../lists/_lib/routes";

export const { GET, PATCH, DELETE } = entryRoutes(tenantRestrictionsSpec);
