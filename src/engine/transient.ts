/**
 * Transient database errors: the database restarting, a connection reset, no primary for a
 * moment. The operation may or may not have taken effect, and running it again later may
 * well succeed; so the engine retries it with the same idempotency key (a concept answers a
 * repeated key with its original outcome) instead of recording the error as what the action
 * did. Everything else (a bug, a refused document) is final and recorded as it happened.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** The driver's classes for "the server could not be reached or went away". */
const transientNames = new Set([
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoServerSelectionError",
  "MongoPoolClearedError",
  "MongoNotConnectedError",
  "MongoServerClosedError",
  // The client was closed under a request still at work: this server is shutting down. The
  // work did not happen (or is pending for recovery), so the request answers 503, never 500.
  "MongoTopologyClosedError",
  "MongoClientClosedError",
]);

/** Server codes of a server shutting down, stepping down or not (yet) primary. */
const transientCodes = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

const transientLabels = ["RetryableWriteError", "ResetPool", "TransientTransactionError"];

export function isTransientError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if (error instanceof DatabaseUnavailableError) return true;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (typeof name === "string" && transientNames.has(name)) return true;
  if (typeof code === "number" && transientCodes.has(code)) return true;
  const hasLabel = (error as { hasErrorLabel?: (label: string) => boolean }).hasErrorLabel;
  if (typeof hasLabel === "function" && transientLabels.some((label) => hasLabel.call(error, label))) return true;
  // A bulk write reports the failure of its command as its cause, or (the driver's
  // MongoBulkWriteError around a network or server-selection error) as its errorResponse.
  const { cause, errorResponse } = error as { cause?: unknown; errorResponse?: unknown };
  if (cause !== undefined && cause !== error && isTransientError(cause)) return true;
  return errorResponse instanceof Error && errorResponse !== error && isTransientError(errorResponse);
}

/**
 * The database stayed away through every retry: the work is not done, and not failed either.
 * An edge answers it as "unavailable, try again" (HTTP 503); the engine leaves the flow
 * pending for its recovery pass.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
  constructor(readonly lastError: unknown) {
    super(`the database is unavailable: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }
}

export interface RetryPolicy {
  /** Waits between attempts, in milliseconds; their number bounds the attempts. */
  readonly delaysMs: readonly number[];
  /**
   * At most this long from the first attempt: no wait ends, and no attempt starts, after it.
   * Each attempt is itself bounded by the driver (server selection, `database.ts`), so the
   * whole call gives up within about budget + one attempt.
   */
  readonly budgetMs?: number;
}

/**
 * Up to about 6 s of trying over 8 attempts: long enough for a database restart, short enough
 * for an HTTP client still waiting for its answer (a flow's own deadline may cut it shorter).
 */
export const defaultRetryPolicy: RetryPolicy = { delaysMs: [50, 100, 200, 400, 800, 1600, 3200], budgetMs: 6_000 };

/**
 * Runs `operation`; a transient error runs it again after the next delay, unless that would
 * pass the policy's budget or `deadline` (epoch ms); when it gives up, throws
 * `DatabaseUnavailableError`. Any other error is thrown at once.
 */
export async function retryTransient<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy = defaultRetryPolicy,
  onRetry?: (error: unknown, attempt: number) => void,
  deadline = Number.POSITIVE_INFINITY,
): Promise<T> {
  const giveUpAt = Math.min(deadline, policy.budgetMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + policy.budgetMs);
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isTransientError(error)) throw error;
      const delay = policy.delaysMs[attempt];
      if (delay === undefined || Date.now() + delay >= giveUpAt) throw error instanceof DatabaseUnavailableError ? error : new DatabaseUnavailableError(error);
      onRetry?.(error, attempt + 1);
      await sleep(delay);
    }
  }
}
