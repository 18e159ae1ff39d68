import { importRoute, blocklistSpec } from "../../lists/_lib/routes";

export const POST = importRoute(blocklistSpec);
