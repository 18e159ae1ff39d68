import { exportRoute, whitelistSpec } from "../../lists/_lib/routes";

export const GET = exportRoute(whitelistSpec);
