"use client";

import Link from "next/link";
import { SelectField, type FieldError } from "@/components/ui/field";
import type { Role } from "@/lib/generated/prisma/enums";
import { ROLE_HINT, roleOptions } from "./format";

interface RoleTenantFieldsProps {
  role: Role;
  onRoleChange: (role: Role) => void;
  tenantId: string;
  onTenantChange: (tenantId: string) => void;
  tenants: { id: string; name: string }[];
  errors?: Record<string, string[]>;
  /** Locks the role (an administrator editing their own account); the value is still submitted. */
  isRoleLocked?: boolean;
  roleHint?: string;
  /** The tenant field's hint (what the tenant limits). */
  tenantHint: string;
}

/** Role select, and the tenant select that only a tenant administrator (user or token) has. */
export function RoleTenantFields({
  role,
  onRoleChange,
  tenantId,
  onTenantChange,
  tenants,
  errors,
  isRoleLocked = false,
  roleHint = ROLE_HINT,
  tenantHint,
}: RoleTenantFieldsProps) {
  const tenantError: FieldError = errors?.tenantId;
  return (
    <>
      <SelectField
        label="Role"
        name="role"
        value={role}
        onChange={(event) => onRoleChange(event.target.value as Role)}
        disabled={isRoleLocked}
        hint={roleHint}
        error={errors?.role}
        required
      >
        {roleOptions.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </SelectField>
      {/* A disabled select is not submitted: carry the locked value. */}
      {isRoleLocked ? <input type="hidden" name="role" value={role} /> : null}
      {role === "TENANT_ADMIN" ? (
        tenants.length > 0 ? (
          <SelectField
            label="Tenant"
            name="tenantId"
            value={tenantId}
            onChange={(event) => onTenantChange(event.target.value)}
            hint={tenantHint}
            error={tenantError}
            required
          >
            <option value="">Choose a tenant…</option>
            {tenants.map((tenant) => (
              <option key={tenant.id} value={tenant.id}>
                {tenant.name}
              </option>
            ))}
          </SelectField>
        ) : (
          <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-200">
            <p>
              There are no tenants yet. A tenant administrator needs one:{" "}
              <Link href="/tenants" className="font-medium underline">
                create a tenant first
              </Link>
              .
            </p>
            {tenantError ? <p className="mt-1 text-red-700 dark:text-red-400">{typeof tenantError === "string" ? tenantError : tenantError.join(" ")}</p> : null}
          </div>
        )
      ) : null}
    </>
  );
}
