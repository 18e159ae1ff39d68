import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { getPushBatch } from "@/lib/deploy/batch";
import { isAppError } from "@/lib/errors";
import { batchIdSchema } from "@/lib/validation/push";
import { formatInstant } from "@/lib/format/instant";
import { PushProgress, type PushBatchJson } from "../../_components/push-progress";

export const metadata: Metadata = { title: "Push" };

export default async function PushPage({ params }: { params: Promise<{ batchId: string }> }) {
  const user = await requirePagePermission("nodes:read");
  const batchId = batchIdSchema.safeParse((await params).batchId);
  if (!batchId.success) notFound();
  let batch;
  try {
    batch = await getPushBatch(callerFromUser(user), batchId.data);
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  // Dates cross to the client component as JSON text, exactly as the polled API sends them.
  const initial = JSON.parse(JSON.stringify(batch)) as PushBatchJson;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/nodes" className="text-brand-700 hover:underline dark:text-brand-100">
          Nodes
        </Link>
      </nav>
      <PageHeader title="Push" description={`Started ${formatInstant(batch.createdAt)} by ${batch.requestedBy}.`} />
      <PushProgress initial={initial} />
    </>
  );
}
