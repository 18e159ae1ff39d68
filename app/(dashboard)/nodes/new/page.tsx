import type { Metadata } from "next";
import { Card, CardBody } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/guards";
import { AddNodeForm } from "../_components/add-node-form";

export const metadata: Metadata = { title: "Add node" };

export default async function AddNodePage() {
  await requirePagePermission("nodes:write");
  return (
    <>
      <PageHeader
        title="Add node"
        description="An Asterisk server Rampart will reach over SSH. Its private key is stored encrypted and never shown again; its host key is pinned once you confirm it."
      />
      <Card className="max-w-3xl">
        <CardBody>
          <AddNodeForm />
        </CardBody>
      </Card>
    </>
  );
}
