import { exportRoute, blocklistSpec } from "../../lists/_lib/routes";

export const GET = exportRoute(blocklistSpec);
