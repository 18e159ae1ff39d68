import { importRoute, managementSpec } from "../../../lists/_lib/routes";

// POST /api/v1/settings/management-access/import: the anti-lockout list's bulk import, as for the other lists.
export const POST = importRoute(managementSpec);
