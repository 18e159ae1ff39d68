import { apiRoute } from "@/lib/api/handler";
import { getGeoCatalog } from "@/lib/geo/catalog";

// The countries of the shipped GeoIP dataset with their range counts: the codes PUT /settings/geoip accepts.
// A fixed list of about 250 entries, so it is not paginated.

export const GET = apiRoute({ permission: "policy:read" }, async () => {
  const catalog = await getGeoCatalog();
  return { datasetId: catalog.datasetId, items: catalog.countries };
});
