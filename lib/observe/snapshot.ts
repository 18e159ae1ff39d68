import type { BootRestore } from "@/lib/deploy/agent-output";

import type { DropCounters } from "./counters";
import type { JailReport } from "./fail2ban-status";
import type { HashlimitEntry } from "./hashlimit";
import type { RecentEntry } from "./recent";

/**
 * What one collector poll of one node stores in node_snapshots.data (JSON). The collector writes it, the
 * Overview and Node pages and `rampart status` read it. Dates are ISO strings (it passes through jsonb).
 * Bump `format` when the shape changes; readers treat an unknown format as "no data".
 */
export const SNAPSHOT_FORMAT = 1;

export interface NodeObservation {
  format: typeof SNAPSHOT_FORMAT;
  /** The node's clock when it answered (ISO). */
  nodeTime: string;
  /** Collector wall time for this node, ms. */
  pollMs: number;
  runningVersion: string | null;
  /**
   * Digest now vs the one recorded at confirmation; drifted null when there is nothing to compare. message
   * (lib/observe/drift.ts) says it in words, e.g. "Running state does not match confirmed version X: ...";
   * snapshots taken before it existed lack it (optional, so the format stays 1).
   */
  drift: { digest: string | null; confirmedDigest: string | null; drifted: boolean | null; message?: string };
  /** What restores the confirmed version at the node's next boot; null when the agent did not say. Optional as above. */
  bootRestore?: BootRestore | null;
  isFail2banUp: boolean;
  jails: Array<Omit<JailReport, "rejected" | "bans"> & {
    bans: Array<{ address: string; family: 4 | 6; bannedAt: string | null; expiresAt: string | null; isPermanent: boolean }>;
  }>;
  /** SIP rate limit table, fewest tokens left first (at most 500 kept). */
  rateTable: Array<Pick<HashlimitEntry, "address" | "family" | "tokensLeftPercent" | "isNearLimit" | "expiresInSeconds">>;
  recent: Array<{ list: string; entries: Array<Pick<RecentEntry, "address" | "hitCount" | "lastSeenSecondsAgo">> }>;
  /** Cumulative kernel counters (IPv4 + IPv6); rates come from the difference between two snapshots. */
  counters: DropCounters;
  /** Successful registrations seen in this poll (also used for the auto-whitelist). */
  registrations: Array<{ address: string; accountId: string; at: string }>;
  /** Call records read in this poll (stored in call_records); absent in snapshots older than CDR reading. */
  callRecords?: number;
  /** Lines the parsers refused, by source, for diagnosis (counts only). */
  rejectedLines: Record<string, number>;
}
