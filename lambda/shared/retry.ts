/** How often and how patiently an operation is retried. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly attempts: number;
  /** Delay before the second attempt; it doubles for each further attempt. */
  readonly baseDelayMs: number;
  /** Upper bound of any one delay. */
  readonly maxDelayMs: number;
}

/** Four attempts over about seven seconds: a GitLab restart or a load-balancer hiccup passes. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 };

/** The last failure of an operation that used up its retry budget. */
export class RetriesExhaustedError extends Error {
  constructor(readonly lastError: Error, readonly attempts: number) {
    super(`${lastError.message} (gave up after ${attempts} attempts)`, { cause: lastError });
    this.name = 'RetriesExhaustedError';
  }
}

/** Delay before attempt `attempt + 1`: exponential, capped, with jitter so retries do not align. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + random() / 2));
}

/**
 * Runs `operation` until it succeeds, fails with an error `isRetryable` rejects (rethrown as is), or
 * has used `policy.attempts` attempts (then a RetriesExhaustedError wraps the last error).
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  onRetry: (error: Error, attempt: number, delayMs: number) => void = () => undefined,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const failure = error instanceof Error ? error : new Error(String(error));
      if (attempt >= policy.attempts) throw new RetriesExhaustedError(failure, attempt);
      const delayMs = backoffDelay(policy, attempt);
      onRetry(failure, attempt, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
