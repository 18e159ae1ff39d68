-- API tokens belong to the user who created them (created_by_id): disabling, deleting or signing that user
-- out everywhere revokes them. Tokens expire after at most the administrator's token lifetime (default 90
-- days), and the last use records the client address.

ALTER TABLE "api_tokens" ADD COLUMN "last_used_ip" INET;
ALTER TABLE "platform_settings" ADD COLUMN "token_lifetime_days" INTEGER NOT NULL DEFAULT 90;
ALTER TABLE "platform_settings" ADD CONSTRAINT "platform_settings_token_lifetime_check" CHECK ("token_lifetime_days" BETWEEN 1 AND 3650);

CREATE INDEX "api_tokens_created_by_id_idx" ON "api_tokens"("created_by_id");

-- Existing tokens, once. A token whose creating user was deleted (created_by_id was set to NULL, but the
-- audit log says a user made it) or is disabled lost its owner: it is revoked. Tokens made with the CLI
-- (actor CLI) belong to no user and stay. Every live token without an expiry gets the default lifetime
-- from now, so the operators have 90 days to replace it. Each revocation is audited like any other.
WITH orphaned AS (
  SELECT t."id"
  FROM "api_tokens" t
  WHERE t."revoked_at" IS NULL
    AND (
      (t."created_by_id" IS NULL AND EXISTS (
        SELECT 1 FROM "audit_log" a
        WHERE a."object_type" = 'api-token' AND a."object_id" = t."id"::text AND a."action" = 'token.create' AND a."actor_type" = 'USER'
      ))
      OR EXISTS (SELECT 1 FROM "users" u WHERE u."id" = t."created_by_id" AND u."disabled")
    )
),
revoked AS (
  UPDATE "api_tokens" t SET "revoked_at" = CURRENT_TIMESTAMP
  FROM orphaned o WHERE t."id" = o."id"
  RETURNING t."id", t."name", t."prefix", t."role", t."tenant_id", t."expires_at", t."revoked_at"
)
INSERT INTO "audit_log" ("actor_type", "actor_label", "action", "object_type", "object_id", "before", "after")
SELECT 'SYSTEM', 'system', 'token.revoke', 'api-token', r."id"::text,
  jsonb_build_object('name', r."name", 'prefix', r."prefix", 'role', r."role", 'tenantId', r."tenant_id", 'expiresAt', r."expires_at", 'revokedAt', NULL),
  jsonb_build_object('name', r."name", 'prefix', r."prefix", 'role', r."role", 'tenantId', r."tenant_id", 'expiresAt', r."expires_at", 'revokedAt', r."revoked_at", 'reason', 'owner-gone')
FROM revoked r;

UPDATE "api_tokens" SET "expires_at" = CURRENT_TIMESTAMP + INTERVAL '90 days'
WHERE "expires_at" IS NULL AND "revoked_at" IS NULL;
