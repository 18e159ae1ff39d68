import { countRoute, blocklistSpec } from "../../lists/_lib/routes";

export const GET = countRoute(blocklistSpec);
