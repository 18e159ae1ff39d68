import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { listTenantChoices } from "@/lib/db/queries/users";
import { CreateUserForm } from "../_components/create-user-form";

export const metadata: Metadata = { title: "Add user" };

export default async function NewUserPage() {
  const user = await requirePagePermission("users:manage");
  const tenants = await listTenantChoices(callerFromUser(user));
  return (
    <>
      <PageHeader
        title="Add user"
        description="Give a person access to Rampart. They sign in with their e-mail and the generated password."
        actions={
          <ButtonLink href="/users" variant="secondary">
            Back to users
          </ButtonLink>
        }
      />
      <Card className="max-w-2xl">
        <CardBody>
          <CreateUserForm tenants={tenants} />
        </CardBody>
      </Card>
    </>
  );
}
