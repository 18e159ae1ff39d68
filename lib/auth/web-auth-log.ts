import { appendFile } from "node:fs/promises";
import { getEnv } from "@/lib/env";

// Failed sign-ins are appended to RAMPART_WEB_AUTH_LOG (when set) for the fail2ban web jail that Rampart
// renders for the panel itself. Only the address is written: user-typed text never reaches the log.

/** One log line in the format the rendered web jail's filter expects. */
export function formatFailedSignInLine(ip: string, at: Date): string {
  return `${at.toISOString()} rampart-auth: failed sign-in from ${ip}\n`;
}

export async function reportFailedSignIn(ip: string, at = new Date()): Promise<void> {
  const path = getEnv().RAMPART_WEB_AUTH_LOG;
  if (!path) return;
  try {
    await appendFile(path, formatFailedSignInLine(ip, at), { mode: 0o640 });
  } catch (error) {
    console.error(`rampart: cannot write RAMPART_WEB_AUTH_LOG: ${(error as Error).message}`);
  }
}
