-- Rampart initial schema. Hand-written in the layout `prisma migrate` produces; see README "Database".

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'OPERATOR', 'TENANT_ADMIN', 'VIEWER');
CREATE TYPE "AddressList" AS ENUM ('WHITELIST', 'BLOCKLIST', 'TENANT_RESTRICTION', 'MANAGEMENT');
CREATE TYPE "AddressSource" AS ENUM ('MANUAL', 'IMPORT', 'FEED', 'TENANT', 'AUTO_REGISTRATION');
CREATE TYPE "GeoIpMode" AS ENUM ('OFF', 'FULL_SERVER', 'WEB_ONLY');
CREATE TYPE "SipTransport" AS ENUM ('UDP', 'TCP', 'TLS');
CREATE TYPE "DeploymentState" AS ENUM ('PENDING', 'UPLOADING', 'VALIDATING', 'APPLIED', 'CONFIRMED', 'ROLLED_BACK', 'FAILED', 'UNREACHABLE');
CREATE TYPE "ActorType" AS ENUM ('USER', 'TOKEN', 'CLI', 'SYSTEM');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "auto_whitelist_restrictions" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "tenant_id" UUID,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "last_sign_in_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    -- A tenant administrator always belongs to a tenant; other roles never do.
    CONSTRAINT "users_tenant_role_check" CHECK (("role" = 'TENANT_ADMIN') = ("tenant_id" IS NOT NULL)),
    CONSTRAINT "users_email_lower_check" CHECK ("email" = lower("email"))
);

CREATE TABLE "auth_sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "ip" INET,
    "user_agent" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "auth_sessions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "sign_in_attempts" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "ip" INET NOT NULL,
    "success" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "sign_in_attempts_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "tenant_id" UUID,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_tokens_tenant_role_check" CHECK (("role" = 'TENANT_ADMIN') = ("tenant_id" IS NOT NULL))
);

CREATE TABLE "address_entries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "list" "AddressList" NOT NULL,
    "network" INET NOT NULL,
    "family" SMALLINT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "source" "AddressSource" NOT NULL DEFAULT 'MANUAL',
    "tenant_id" UUID,
    "expires_at" TIMESTAMPTZ(3),
    "author" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "address_entries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "address_entries_family_check" CHECK ("family" = family("network")),
    -- Canonical networks only: no host bits set (lib/net refuses them; the database agrees).
    CONSTRAINT "address_entries_canonical_check" CHECK ("network" = network("network")::inet OR masklen("network") = CASE WHEN family("network") = 4 THEN 32 ELSE 128 END),
    CONSTRAINT "address_entries_tenant_check" CHECK (("list" = 'TENANT_RESTRICTION') = ("tenant_id" IS NOT NULL))
);

CREATE TABLE "geoip_policy" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "mode" "GeoIpMode" NOT NULL DEFAULT 'OFF',
    "countries" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "geoip_policy_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "geoip_policy_singleton" CHECK ("id" = 1)
);

CREATE TABLE "scanner_signatures" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "pattern" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "comment" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "scanner_signatures_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "rate_limit_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "packets_per_second" INTEGER NOT NULL DEFAULT 50,
    "burst" INTEGER NOT NULL DEFAULT 100,
    "register_hits" INTEGER NOT NULL DEFAULT 20,
    "register_window_seconds" INTEGER NOT NULL DEFAULT 60,
    "invite_hits" INTEGER NOT NULL DEFAULT 20,
    "invite_window_seconds" INTEGER NOT NULL DEFAULT 60,
    "sip_ports" INTEGER[] DEFAULT ARRAY[5060]::INTEGER[],
    "transports" "SipTransport"[] DEFAULT ARRAY['UDP', 'TCP']::"SipTransport"[],
    "rtp_port_min" INTEGER NOT NULL DEFAULT 10000,
    "rtp_port_max" INTEGER NOT NULL DEFAULT 20000,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "rate_limit_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "rate_limit_settings_singleton" CHECK ("id" = 1)
);

CREATE TABLE "fail2ban_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "voip_jail_enabled" BOOLEAN NOT NULL DEFAULT true,
    "web_jail_enabled" BOOLEAN NOT NULL DEFAULT true,
    "max_retry" INTEGER NOT NULL DEFAULT 5,
    "find_time_seconds" INTEGER NOT NULL DEFAULT 600,
    "ban_time_seconds" INTEGER NOT NULL DEFAULT 3600,
    "recidive_enabled" BOOLEAN NOT NULL DEFAULT true,
    "recidive_max_retry" INTEGER NOT NULL DEFAULT 3,
    "recidive_find_time_seconds" INTEGER NOT NULL DEFAULT 86400,
    "recidive_ban_time_seconds" INTEGER NOT NULL DEFAULT 604800,
    "notify_enabled" BOOLEAN NOT NULL DEFAULT false,
    "notify_email" TEXT,
    "notify_sender" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "fail2ban_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "fail2ban_settings_singleton" CHECK ("id" = 1)
);

CREATE TABLE "platform_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "ssh_ports" INTEGER[] DEFAULT ARRAY[22]::INTEGER[],
    "web_ports" INTEGER[] DEFAULT ARRAY[80, 443]::INTEGER[],
    "auto_whitelist_registrations" BOOLEAN NOT NULL DEFAULT false,
    "auto_whitelist_ttl_seconds" INTEGER NOT NULL DEFAULT 86400,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "platform_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "platform_settings_singleton" CHECK ("id" = 1)
);

CREATE TABLE "extension_call_limits" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "extension" TEXT NOT NULL,
    "daily_limit" DECIMAL(14,4) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "extension_call_limits_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "tenant_call_limits" (
    "tenant_id" UUID NOT NULL,
    "daily_limit" DECIMAL(14,4),
    "monthly_limit" DECIMAL(14,4),
    "currency" CHAR(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tenant_call_limits_pkey" PRIMARY KEY ("tenant_id")
);

CREATE TABLE "route_cost_limits" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "max_cost_per_minute" DECIMAL(14,4) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "route_cost_limits_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "abuse_detection_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "max_calls_same_number" INTEGER NOT NULL DEFAULT 5,
    "window_seconds" INTEGER NOT NULL DEFAULT 300,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "abuse_detection_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "abuse_detection_settings_singleton" CHECK ("id" = 1)
);

CREATE TABLE "nodes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 22,
    "ssh_user" TEXT NOT NULL,
    "encrypted_private_key" BYTEA,
    "host_key_fingerprint" TEXT,
    "management_address" INET,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "nodes_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "ruleset_versions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "hash" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "policy" JSONB NOT NULL,
    "manifest" JSONB NOT NULL,
    "artefacts" BYTEA NOT NULL,
    CONSTRAINT "ruleset_versions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "deployments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "batch_id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "ruleset_id" UUID NOT NULL,
    "state" "DeploymentState" NOT NULL DEFAULT 'PENDING',
    "progress" SMALLINT NOT NULL DEFAULT 0,
    "message" TEXT NOT NULL DEFAULT '',
    "requested_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "ban_events" (
    "id" BIGSERIAL NOT NULL,
    "node_id" UUID NOT NULL,
    "jail" TEXT NOT NULL,
    "address" INET NOT NULL,
    "family" SMALLINT NOT NULL,
    "country" CHAR(2),
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "banned_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "unbanned_at" TIMESTAMPTZ(3),
    "unbanned_by" TEXT,
    CONSTRAINT "ban_events_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "node_snapshots" (
    "id" BIGSERIAL NOT NULL,
    "node_id" UUID NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "is_reachable" BOOLEAN NOT NULL,
    "error" TEXT,
    "ruleset_hash" TEXT,
    "drift_digest" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    CONSTRAINT "node_snapshots_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" "ActorType" NOT NULL,
    "actor_id" TEXT,
    "actor_label" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "object_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "ip" INET,
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_name_key" ON "tenants"("name");
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE INDEX "users_tenant_id_idx" ON "users"("tenant_id");
CREATE INDEX "auth_sessions_user_id_idx" ON "auth_sessions"("user_id");
CREATE INDEX "sign_in_attempts_email_created_at_idx" ON "sign_in_attempts"("email", "created_at");
CREATE INDEX "sign_in_attempts_ip_created_at_idx" ON "sign_in_attempts"("ip", "created_at");
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");
CREATE INDEX "address_entries_network_idx" ON "address_entries" USING SPGIST ("network" inet_ops);
CREATE INDEX "address_entries_list_created_at_id_idx" ON "address_entries"("list", "created_at" DESC, "id" DESC);
CREATE INDEX "address_entries_list_network_id_idx" ON "address_entries"("list", "network", "id");
CREATE INDEX "address_entries_tenant_id_list_idx" ON "address_entries"("tenant_id", "list");
CREATE UNIQUE INDEX "scanner_signatures_pattern_key" ON "scanner_signatures"("pattern");
CREATE UNIQUE INDEX "extension_call_limits_tenant_id_extension_key" ON "extension_call_limits"("tenant_id", "extension");
CREATE UNIQUE INDEX "route_cost_limits_name_key" ON "route_cost_limits"("name");
CREATE UNIQUE INDEX "nodes_name_key" ON "nodes"("name");
CREATE UNIQUE INDEX "ruleset_versions_hash_key" ON "ruleset_versions"("hash");
CREATE INDEX "deployments_node_id_created_at_idx" ON "deployments"("node_id", "created_at" DESC);
CREATE INDEX "deployments_batch_id_idx" ON "deployments"("batch_id");
CREATE INDEX "ban_events_address_idx" ON "ban_events" USING SPGIST ("address" inet_ops);
CREATE INDEX "ban_events_banned_at_id_idx" ON "ban_events"("banned_at" DESC, "id" DESC);
CREATE INDEX "ban_events_node_id_jail_address_idx" ON "ban_events"("node_id", "jail", "address");
CREATE INDEX "node_snapshots_node_id_taken_at_idx" ON "node_snapshots"("node_id", "taken_at" DESC);
CREATE INDEX "audit_log_at_id_idx" ON "audit_log"("at" DESC, "id" DESC);
CREATE INDEX "audit_log_object_type_object_id_idx" ON "audit_log"("object_type", "object_id");
CREATE INDEX "audit_log_actor_label_at_idx" ON "audit_log"("actor_label", "at" DESC);

-- One entry per network per list (per tenant for tenant restrictions). Not expressible in schema.prisma
-- because of the COALESCE; duplicates are reported to the user before they reach this index.
CREATE UNIQUE INDEX "address_entries_list_tenant_network_key" ON "address_entries"("list", COALESCE("tenant_id", '00000000-0000-0000-0000-000000000000'::uuid), "network");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "address_entries" ADD CONSTRAINT "address_entries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "extension_call_limits" ADD CONSTRAINT "extension_call_limits_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "tenant_call_limits" ADD CONSTRAINT "tenant_call_limits_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_ruleset_id_fkey" FOREIGN KEY ("ruleset_id") REFERENCES "ruleset_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ban_events" ADD CONSTRAINT "ban_events_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "node_snapshots" ADD CONSTRAINT "node_snapshots_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Append-only audit log and immutable ruleset versions: refused at the database, not only in code.
CREATE FUNCTION "rampart_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "rampart_refuse_change"();
CREATE TRIGGER "ruleset_versions_immutable" BEFORE UPDATE OR DELETE ON "ruleset_versions"
  FOR EACH ROW EXECUTE FUNCTION "rampart_refuse_change"();

-- Singletons exist from the start so reads never have to create them.
INSERT INTO "geoip_policy" ("id") VALUES (1);
INSERT INTO "rate_limit_settings" ("id") VALUES (1);
INSERT INTO "fail2ban_settings" ("id") VALUES (1);
INSERT INTO "platform_settings" ("id") VALUES (1);
INSERT INTO "abuse_detection_settings" ("id") VALUES (1);
INSERT INTO "scanner_signatures" ("pattern", "comment") VALUES
  ('friendly-scanner', 'sipvicious default user agent'),
  ('sipvicious', 'SIPVicious tools'),
  ('sundayddr', 'scanner'),
  ('sipsak', 'SIP Swiss army knife'),
  ('iWar', 'war dialer'),
  ('sip-scan', 'scanner'),
  ('sipcli', 'SIP command-line scanner'),
  ('VaxSIPUserAgent', 'VaxSIP scanner'),
  ('SIPScan', 'scanner'),
  ('smap', 'SIP mapper'),
  ('pplsip', 'scanner'),
  ('PortSIP VoIP SDK', 'abused SDK user agent');
