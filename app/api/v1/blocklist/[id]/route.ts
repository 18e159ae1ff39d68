import { entryRoutes, blocklistSpec } from "../../lists/_lib/routes";

export const { GET, PATCH, DELETE } = entryRoutes(blocklistSpec);
