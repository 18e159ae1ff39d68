import { bulkDeleteRoute, blocklistSpec } from "../../lists/_lib/routes";

export const POST = bulkDeleteRoute(blocklistSpec);
