import { bulkDeleteRoute, whitelistSpec } from "../../lists/_lib/routes";

export const POST = bulkDeleteRoute(whitelistSpec);
