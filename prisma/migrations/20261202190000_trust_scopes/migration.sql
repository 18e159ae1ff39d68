-- Trust has a scope, exposure is default-deny, and the panel's own addresses are always trusted.
--
-- Existing data keeps its meaning where it was safe and loses what was not:
--  - whitelist entries written by people (MANUAL, IMPORT, FEED) stay scope ALL: every port, before the blocklist;
--  - auto-whitelisted registrations (AUTO_REGISTRATION) and entries a tenant wrote (TENANT) become scope SIP:
--    SIP and RTP only, after the blocklist, bans and scanner signatures;
--  - a tenant's "auto-whitelist restrictions" now makes its networks SIP-scoped trust (never the whole cluster
--    whitelist) — the render does that, no row changes;
--  - fail2ban's e-mail action (sendmail-whois on every node) is gone: ban mail comes from the panel's digests.
--    A configured fail2ban notice address is carried into the digest recipients, so nobody stops getting mail.

CREATE TYPE "TrustScope" AS ENUM ('ALL', 'SIP', 'NO_BAN');
CREATE TYPE "ExposureAudience" AS ENUM ('WORLD', 'ALLOWED', 'MANAGEMENT');
CREATE TYPE "FinalAction" AS ENUM ('DROP', 'REJECT', 'RETURN');

ALTER TABLE "address_entries" ADD COLUMN "scope" "TrustScope" NOT NULL DEFAULT 'ALL';
ALTER TABLE "address_entries" ADD COLUMN "pending_reason" TEXT;
UPDATE "address_entries" SET "scope" = 'SIP' WHERE "list" = 'WHITELIST' AND "source" IN ('AUTO_REGISTRATION', 'TENANT');

ALTER TABLE "platform_settings" ADD COLUMN "panel_addresses" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "platform_settings" ADD COLUMN "tenant_min_prefix4" INTEGER NOT NULL DEFAULT 24;
ALTER TABLE "platform_settings" ADD COLUMN "tenant_min_prefix6" INTEGER NOT NULL DEFAULT 48;
ALTER TABLE "platform_settings" ADD CONSTRAINT "platform_settings_tenant_min_prefix_check"
  CHECK ("tenant_min_prefix4" BETWEEN 8 AND 32 AND "tenant_min_prefix6" BETWEEN 16 AND 128);

ALTER TABLE "nodes" ADD COLUMN "panel_address" INET;
ALTER TABLE "nodes" ADD COLUMN "panel_address_seen_at" TIMESTAMPTZ(3);
ALTER TABLE "nodes" ADD COLUMN "exposure_override" JSONB;

CREATE TABLE "exposure_policy" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "sip_from" "ExposureAudience" NOT NULL DEFAULT 'WORLD',
    "rtp_from" "ExposureAudience" NOT NULL DEFAULT 'WORLD',
    "web_from" "ExposureAudience" NOT NULL DEFAULT 'MANAGEMENT',
    "ami_ports" INTEGER[] DEFAULT ARRAY[5038]::INTEGER[],
    "extra_tcp_ports" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "extra_udp_ports" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "icmp_echo" BOOLEAN NOT NULL DEFAULT true,
    "drop_port_scans" BOOLEAN NOT NULL DEFAULT true,
    "ssh_new_per_minute" INTEGER DEFAULT 6,
    "final_action" "FinalAction" NOT NULL DEFAULT 'DROP',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "exposure_policy_pkey" PRIMARY KEY ("id")
);
INSERT INTO "exposure_policy" ("id") VALUES (1);

UPDATE "notification_settings" n
SET "recipients" = n."recipients" || ARRAY[f."notify_email"]
FROM "fail2ban_settings" f
WHERE f."id" = 1 AND f."notify_enabled" AND f."notify_email" IS NOT NULL AND NOT (f."notify_email" = ANY (n."recipients"));

ALTER TABLE "fail2ban_settings" DROP COLUMN "notify_enabled";
ALTER TABLE "fail2ban_settings" DROP COLUMN "notify_email";
ALTER TABLE "fail2ban_settings" DROP COLUMN "notify_sender";
