import { RequestError } from './failure';
import type { Logger } from './log';

/** How patiently one function retries a request. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; it doubles for each further attempt. */
  readonly baseDelayMs: number;
  /** Upper bound of any one backoff delay. */
  readonly maxDelayMs: number;
  /** Upper bound of one request; the time left bounds it too. */
  readonly requestTimeoutMs: number;
}

/** Lambda's view of the invocation's time. */
export interface InvocationClock {
  getRemainingTimeInMillis(): number;
}

/** The time an invocation may still spend on requests: its deadline minus a safety margin. */
export class Budget {
  constructor(
    /** Epoch milliseconds after which no request may run. */
    readonly deadline: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The invocation's remaining time less `safetyMarginMs`, kept for reporting the failure. */
  static of(context: InvocationClock, safetyMarginMs: number, now: () => number = Date.now): Budget {
    return new Budget(now() + context.getRemainingTimeInMillis() - safetyMarginMs, now);
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - this.now());
  }

  /** A budget ending `ms` earlier: room kept for what must follow (e.g. recording a failure). */
  reserving(ms: number): Budget {
    return new Budget(this.deadline - ms, this.now);
  }
}

/** Requests shorter than this are not worth starting. */
const MIN_ATTEMPT_MS = 250;

/** Delay before attempt `attempt + 1`: exponential, capped, with jitter so retries do not align. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + random() / 2));
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RetryContext {
  readonly policy: RetryPolicy;
  readonly budget: Budget;
  readonly log: Logger;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
}

export interface Attempt {
  readonly number: number;
  /** Timeout of this attempt: the policy's, or less when less time is left. */
  readonly timeoutMs: number;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The error to throw when no further attempt is made: a final failure as it is, any other wrapped
 * with the reason to stop. Undefined when another attempt is made.
 */
function giveUp(request: string, error: RequestError, attempt: number, delayMs: number, idempotent: boolean, context: RetryContext): RequestError | undefined {
  if (error.advice === 'final') return error;
  const stop = stopReason(error, attempt, delayMs, idempotent, context);
  return stop === undefined ? undefined : new RequestError(`${error.message} (gave up: ${stop})`, request, error.advice, error.details, { cause: error });
}

/** Why no further attempt is made after a failure that is not final, or undefined when one is. */
function stopReason(error: RequestError, attempt: number, delayMs: number, idempotent: boolean, context: RetryContext): string | undefined {
  if (error.advice === 'ambiguous' && !idempotent) return 'the request may have been processed; sending it again could do it twice';
  if (attempt >= context.policy.maxAttempts) return `${attempt} attempts made`;
  const left = context.budget.remainingMs();
  if (delayMs + MIN_ATTEMPT_MS > left) {
    const wait = error.details.retryAfterMs === undefined ? `waiting ${delayMs} ms` : `the server asked to wait ${Math.ceil(delayMs / 1000)} s (Retry-After)`;
    return `${wait}, but only ${Math.floor(left / 1000)} s remain before the function must stop`;
  }
  return undefined;
}

/**
 * Runs `operation` until it succeeds or one of: a final failure (rethrown as is); an ambiguous
 * failure of a non-idempotent operation; the attempt limit; a delay (backoff or the server's
 * Retry-After) that does not fit the budget. The last three throw a RequestError naming the request,
 * why it stopped and the last failure, with that failure's advice. Every attempt is logged.
 */
export async function withRetries<T>(
  request: string,
  operation: (attempt: Attempt) => Promise<T>,
  context: RetryContext,
  options: { readonly idempotent: boolean },
): Promise<T> {
  for (let number = 1; ; number++) {
    const left = context.budget.remainingMs();
    if (left < MIN_ATTEMPT_MS) {
      throw new RequestError(`${request}: not attempted, no time left before the function must stop`, request, 'retry');
    }
    const timeoutMs = Math.min(context.policy.requestTimeoutMs, left);
    const started = Date.now();
    try {
      const result = await operation({ number, timeoutMs });
      context.log.info('Request succeeded', { request, attempt: number, durationMs: Date.now() - started });
      return result;
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      const delayMs = error.details.retryAfterMs ?? backoffDelay(context.policy, number, context.random);
      const fields = {
        request,
        attempt: number,
        durationMs: Date.now() - started,
        status: error.details.status,
        code: error.details.code,
        advice: error.advice,
      };
      const failure = giveUp(request, error, number, delayMs, options.idempotent, context);
      if (failure) {
        context.log.warn(`Request failed: ${error.message}`, fields);
        throw failure;
      }
      context.log.warn(`Request failed, retrying in ${delayMs} ms: ${error.message}`, { ...fields, delayMs });
      await (context.sleep ?? sleepFor)(delayMs);
    }
  }
}
