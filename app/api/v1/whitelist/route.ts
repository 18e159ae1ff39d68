import { collectionRoutes, whitelistSpec } from "../lists/_lib/routes";

// GET /api/v1/whitelist?q=&covers=&status=&sort=&limit=&cursor= · POST /api/v1/whitelist { network, comment?, expiresAt?, confirmBroad?, allowCovered? }
export const { GET, POST } = collectionRoutes(whitelistSpec);
