import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { renderCurrentRuleset } from "@/lib/rulesets/current";
import { safeText } from "@/lib/validation/text";

export const dynamic = "force-dynamic";

const query = z.object({
  node: safeText().min(1).max(200).optional(),
  file: safeText().min(1).max(200).optional(),
});

/**
 * The current policy rendered for a node (`?node=`, default the cluster): without `file`, the version hash,
 * manifest and file list; with `file`, that artefact as a download.
 */
export const GET = apiRoute({ permission: "policy:read" }, async ({ request }) => {
  const { node, file } = query.parse(Object.fromEntries(request.nextUrl.searchParams));
  const { target, rendered } = await renderCurrentRuleset(node);
  if (!file) {
    return { node: target.nodeName, hash: rendered.hash, files: Object.keys(rendered.files).sort(), manifest: rendered.manifest };
  }
  const content = rendered.files[file];
  if (content === undefined) throw new AppError("NOT_FOUND", `No artefact named ${file}.`);
  const downloadName = `${target.nodeName}-${rendered.hash.slice(0, 12)}-${file.replaceAll("/", "_")}`.replace(/[^A-Za-z0-9._-]/g, "_");
  return new NextResponse(content, {
    headers: {
      "Content-Type": file.endsWith(".json") ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
      "Content-Disposition": `attachment; filename="${downloadName}"`,
      "Cache-Control": "no-store",
    },
  });
});
