"use client";

import { useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { formMessage } from "@/components/ui/form-messages";
import type { Role } from "@/lib/generated/prisma/enums";
import { updateUserAction } from "../actions";
import { RoleTenantFields } from "./role-tenant-fields";

interface EditUserFormProps {
  user: { id: string; name: string; role: Role; tenantId: string | null };
  tenants: { id: string; name: string }[];
  /** The signed-in administrator's own account: the role is locked (the server refuses it too). */
  isSelf: boolean;
}

export function EditUserForm({ user, tenants, isSelf }: EditUserFormProps) {
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<Role>(user.role);
  const [tenantId, setTenantId] = useState(user.tenantId ?? "");
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [isPending, startTransition] = useTransition();

  const isRoleChange = role !== user.role || (role === "TENANT_ADMIN" && tenantId !== (user.tenantId ?? ""));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(async () => {
      const result = await updateUserAction(user.id, form);
      if (result.ok) {
        setMessage({ tone: "success", text: isRoleChange ? "Saved. The user's sessions were ended: the new role applies when they sign in again." : "Saved." });
        setFieldErrors({});
      } else {
        setMessage({ tone: "error", text: formMessage(result.error, result.fieldErrors) });
        setFieldErrors(result.fieldErrors ?? {});
      }
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <TextField
        label="Name"
        name="name"
        autoComplete="off"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={fieldErrors.name}
      />
      <RoleTenantFields
        role={role}
        onRoleChange={setRole}
        tenantId={tenantId}
        onTenantChange={setTenantId}
        tenants={tenants}
        errors={fieldErrors}
        isRoleLocked={isSelf}
        roleHint={isSelf ? "This is your account: another administrator can change your role." : undefined}
        tenantHint="The user sees and changes only this tenant's restrictions and bans."
      />
      {isRoleChange ? (
        <p className="text-sm text-amber-800 dark:text-amber-300">Changing the role or tenant signs the user out everywhere.</p>
      ) : null}
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      <SubmitButton isPending={isPending}>Save changes</SubmitButton>
    </form>
  );
}
