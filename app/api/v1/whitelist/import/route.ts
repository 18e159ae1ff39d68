import { importRoute, whitelistSpec } from "../../lists/_lib/routes";

export const POST = importRoute(whitelistSpec);
