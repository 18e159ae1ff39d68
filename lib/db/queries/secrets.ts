import { isSealedWith } from "@/lib/crypto/envelope";
import { nodeKeyEncryptionKey, openNodeKey, sealNodeKey } from "@/lib/crypto/node-keys";
import { openSmtpPassword, sealSmtpPassword, smtpEncryptionKey } from "@/lib/crypto/smtp-password";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { writeAudit, type Actor } from "./audit";

// Every secret Rampart keeps at rest (node private keys, the SMTP password), re-sealed from a previous master
// secret to the current one: `rampart secrets rotate --old-key-file FILE`. One transaction, all or nothing.

export interface SecretRotationResult {
  /** Node keys re-encrypted from the old master secret to the current one. */
  nodeKeysRotated: number;
  /** Node keys already sealed with the current master secret. */
  nodeKeysCurrent: number;
  /** The SMTP password: re-encrypted, already current, or none stored. */
  smtpPassword: "rotated" | "current" | "none";
}

const toBytes = (buffer: Buffer) => new Uint8Array(buffer);

/**
 * Re-encrypts every secret sealed with `oldMasterSecret` under `currentMasterSecret` (by default the one this
 * process uses), with the rows locked so a concurrent change cannot be overwritten. Refuses, changing nothing,
 * when a secret opens with neither: rotating around it would hide that it is lost. Audited with node names
 * only. The actor is the CLI's: only someone holding both master secrets can run it.
 */
export async function rotateSecrets(actor: Actor, oldMasterSecret: string, currentMasterSecret?: string): Promise<SecretRotationResult> {
  const nodeKeys = { old: nodeKeyEncryptionKey(oldMasterSecret), current: nodeKeyEncryptionKey(currentMasterSecret) };
  const smtp = { old: smtpEncryptionKey(oldMasterSecret), current: smtpEncryptionKey(currentMasterSecret) };
  if (nodeKeys.old.equals(nodeKeys.current)) throw new AppError("VALIDATION", "The old key file holds the current master secret: there is nothing to rotate.");

  return getDb().$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; name: string; encrypted_private_key: Uint8Array }[]>`
        SELECT id::text, name, encrypted_private_key FROM nodes WHERE encrypted_private_key IS NOT NULL ORDER BY name FOR UPDATE`;
      const unreadable = rows.filter((row) => !isSealedWith(row.encrypted_private_key, nodeKeys.old) && !isSealedWith(row.encrypted_private_key, nodeKeys.current));
      if (unreadable.length > 0) {
        throw new AppError(
          "CONFLICT",
          `The key of ${unreadable.map((r) => r.name).join(", ")} was sealed with neither the old nor the current master secret; nothing was changed.`,
        );
      }
      const toRotate = rows.filter((row) => isSealedWith(row.encrypted_private_key, nodeKeys.old));
      for (const row of toRotate) {
        // Opening checks integrity too: a damaged row stops the whole rotation rather than being re-sealed.
        let text: string;
        try {
          text = openNodeKey(row.encrypted_private_key, nodeKeys.old);
        } catch (error) {
          throw new AppError("CONFLICT", `The key of ${row.name} could not be opened with the old master secret (${(error as Error).message}); nothing was changed.`);
        }
        await tx.node.update({ where: { id: row.id }, data: { encryptedPrivateKey: toBytes(sealNodeKey(text, nodeKeys.current)) } });
      }

      const [settings] = await tx.$queryRaw<{ smtp_password: Uint8Array | null }[]>`
        SELECT smtp_password FROM notification_settings WHERE id = 1 FOR UPDATE`;
      let smtpPassword: SecretRotationResult["smtpPassword"] = "none";
      if (settings?.smtp_password) {
        if (isSealedWith(settings.smtp_password, smtp.current)) smtpPassword = "current";
        else if (!isSealedWith(settings.smtp_password, smtp.old)) {
          throw new AppError("CONFLICT", "The SMTP password was sealed with neither the old nor the current master secret; nothing was changed.");
        } else {
          let password: string;
          try {
            password = openSmtpPassword(settings.smtp_password, smtp.old);
          } catch (error) {
            throw new AppError("CONFLICT", `The SMTP password could not be opened with the old master secret (${(error as Error).message}); nothing was changed.`);
          }
          await tx.notificationSettings.update({ where: { id: 1 }, data: { smtpPassword: toBytes(sealSmtpPassword(password, smtp.current)) } });
          smtpPassword = "rotated";
        }
      }

      await writeAudit(tx, actor, {
        action: "secrets.rotate",
        objectType: "secrets",
        after: { nodeKeysRotated: toRotate.length, nodes: toRotate.map((r) => r.name), smtpPassword },
      });
      return { nodeKeysRotated: toRotate.length, nodeKeysCurrent: rows.length - toRotate.length, smtpPassword };
    },
    { timeout: 60_000 },
  );
}
