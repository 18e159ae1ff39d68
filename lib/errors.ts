// One error type for expected failures. Transports map `code` to a status; anything else is a 500.

export const errorStatus = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  VALIDATION: 422,
  THROTTLED: 429,
  /** A node (or another system Rampart talks to) answered with something Rampart cannot use. */
  BAD_GATEWAY: 502,
  DB_UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fieldErrors?: Record<string, string[]>;

  constructor(code: AppErrorCode, message: string, fieldErrors?: Record<string, string[]>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = fieldErrors;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

// Error codes that mean "the database did not answer" rather than "this request was wrong": the socket is gone
// or refused, the pool timed out, or PostgreSQL is shutting down, restarting or not accepting connections.
const UNAVAILABLE_CODES = new Set(["ENOENT", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "P1001", "P1002", "P1017", "P2024"]);
const UNAVAILABLE_SQLSTATES = /^(08|57P0[1-3])/;

/** True for a database error that is an outage (the same request may succeed in a moment), never for a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { code?: unknown; originalCode?: unknown } } } };
  if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
  const cause = meta?.driverAdapterError?.cause;
  const sqlState = cause?.originalCode ?? cause?.code;
  return typeof sqlState === "string" && UNAVAILABLE_SQLSTATES.test(sqlState);
}

/** What a caller is told when the database did not answer: nothing was done, and trying again is the fix. */
export const DATABASE_UNAVAILABLE_MESSAGE = "The database is not answering right now; nothing was changed. Try again in a moment.";
