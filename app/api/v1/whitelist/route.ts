import { collectionRoutes, whitelistSpec } from "../lists/_lib/routes";

// GET /api/v1/whitelist?q=&covers=&status=&scope=&sort=&limit=&cursor= · POST /api/v1/whitelist { network, comment?, expiresAt?, scope?, confirmBroad?, allowCovered? }
export const { GET, POST } = collectionRoutes(whitelistSpec);
