import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { liftBlockOnCluster } from "@/lib/observe/lift-extension-block";

// POST /api/v1/call-limits/blocks/{id}/lift: lifts an open block (audited) and sends the nodes the cluster's guard
// state at once. Lifted already: 409; another tenant's block: 404.

const params = z.object({ id: z.uuid() });

export const POST = apiRoute({ permission: "bans:write", params }, async ({ caller, params }) => liftBlockOnCluster(caller, { id: params.id }));
