import { collectionRoutes, blocklistSpec } from "../lists/_lib/routes";

// GET /api/v1/blocklist?q=&covers=&status=&sort=&limit=&cursor= · POST /api/v1/blocklist { network, comment?, expiresAt?, confirmBroad?, allowCovered? }
export const { GET, POST } = collectionRoutes(blocklistSpec);
