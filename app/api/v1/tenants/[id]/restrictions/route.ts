import { collectionRoutes, tenantRestrictionsSpec } from "../../../lists/_lib/routes";

// A tenant's IP restrictions: tenant administrators reach only their own tenant (others answer 404).
export const { GET, POST } = collectionRoutes(tenantRestrictionsSpec);
