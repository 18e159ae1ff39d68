import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { exportRouteRates } from "@/lib/db/queries/route-rates";
import { rateExportFileName } from "@/lib/rates/csv";

// The route's whole rate table as CSV, the columns the import reads.

const params = z.object({ id: z.uuid() });

export const GET = apiRoute({ permission: "policy:read", params }, async ({ caller, params }) => {
  const { route, csv } = await exportRouteRates(caller, params.id);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${rateExportFileName(route.name, new Date())}"`,
      "cache-control": "no-store",
    },
  });
});
