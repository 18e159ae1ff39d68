import { entryRoutes, whitelistSpec } from "../../lists/_lib/routes";

export const { GET, PATCH, DELETE } = entryRoutes(whitelistSpec);
