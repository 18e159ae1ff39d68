import { countRoute, whitelistSpec } from "../../lists/_lib/routes";

export const GET = countRoute(whitelistSpec);
