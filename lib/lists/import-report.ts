import type { RejectedLine } from "./import-parse";

/**
 * What an import answers (the API's JSON, which the dashboard's import dialog reads): counts, and the rejected
 * lines with their reasons (the first 10,000; `isRejectedTruncated` says when there were more).
 */
export interface ImportReportView {
  format: "text" | "csv";
  lines: number;
  skipped: number;
  accepted: number;
  rejectedCount: number;
  duplicates: number;
  covered: number;
  /** Tenant networks stored waiting for an administrator's approval (counted in accepted). */
  pending: number;
  /** What the user should know although the lines were stored (overlaps with other tenants' networks). */
  notices: string[];
  rejected: RejectedLine[];
  isRejectedTruncated: boolean;
}
