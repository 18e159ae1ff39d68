import { apiRoute } from "@/lib/api/handler";
import { listExtensionBlocks } from "@/lib/db/queries/extension-blocks";
import { extensionBlockListSchema } from "@/lib/validation/extension-blocks";

// GET /api/v1/call-limits/blocks?open=&limit=&cursor=: the call guard's extension blocks, open ones first, newest
// first. A tenant administrator gets only the tenant's account code.
export const GET = apiRoute({ permission: "calls:read" }, async ({ request, caller }) => {
  const query = extensionBlockListSchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return listExtensionBlocks(caller, query);
});
