import { appendFile } from "node:fs/promises";
import { getEnv } from "@/lib/env";
import { formatFailedSignInLogLine } from "@/lib/rules/web-log";
import { UNKNOWN_CLIENT_IP } from "./client-ip";

// Failed sign-ins are appended to RAMPART_WEB_AUTH_LOG (when set) for the fail2ban web jail that Rampart
// renders for the panel itself; the line format belongs to that jail's filter (lib/rules/web-log.ts).

export async function reportFailedSignIn(ip: string, email: string, at = new Date()): Promise<void> {
  const path = getEnv().RAMPART_WEB_AUTH_LOG;
  if (!path || ip === UNKNOWN_CLIENT_IP) return;
  try {
    await appendFile(path, `${formatFailedSignInLogLine(ip, at, email)}\n`, { mode: 0o640 });
  } catch (error) {
    console.error(`rampart: cannot write RAMPART_WEB_AUTH_LOG: ${(error as Error).message}`);
  }
}
