-- E-mail notifications on ban (issue 6): SMTP settings kept in the database, and the digest watermark.

CREATE TYPE "SmtpTlsMode" AS ENUM ('NONE', 'STARTTLS', 'TLS');

-- Singleton (id = 1). The SMTP password is an AES-256-GCM envelope (lib/crypto/envelope.ts, key derived for the
-- "smtp" purpose); it is never returned to a client. last_digest_* record what the last sent digest covered, so
-- the next one starts after it and at most one mail goes out per digest window.
CREATE TABLE "notification_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "smtp_host" TEXT NOT NULL DEFAULT '',
    "smtp_port" INTEGER NOT NULL DEFAULT 587,
    "smtp_tls_mode" "SmtpTlsMode" NOT NULL DEFAULT 'STARTTLS',
    "smtp_user" TEXT NOT NULL DEFAULT '',
    "smtp_password" BYTEA,
    "from_address" TEXT NOT NULL DEFAULT '',
    "recipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "digest_window_seconds" INTEGER NOT NULL DEFAULT 300,
    "last_digest_at" TIMESTAMPTZ(3),
    "last_digest_event_id" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "notification_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "notification_settings_singleton" CHECK ("id" = 1)
);

-- Start the watermark at the newest existing event, so enabling notifications does not mail the whole history.
INSERT INTO "notification_settings" ("id", "last_digest_event_id") SELECT 1, COALESCE(max("id"), 0) FROM "ban_events";
