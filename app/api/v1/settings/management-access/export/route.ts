import { apiRoute } from "@/lib/api/handler";
import { exportResponse } from "../../../lists/_lib/routes";

export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => exportResponse(caller, { kind: "management" }, "management-access"));
