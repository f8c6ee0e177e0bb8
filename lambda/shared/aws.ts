import { describeNetworkFailure, networkCode, redact, RequestError, RetryAdvice, safeCause } from './failure';
import { RetryContext, withRetries } from './retry';

/**
 * SDK clients are created with this: no retries inside the SDK, so the function's one retry layer
 * (withRetries) decides, within the invocation's budget.
 */
export const SDK_CLIENT_CONFIG = { maxAttempts: 1 } as const;

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException']);

function adviceFor(name: string, status: number | undefined): RetryAdvice {
  if (THROTTLING.has(name)) return 'retry';
  if (status !== undefined && status >= 500) return 'ambiguous';
  return 'final';
}

/** An SDK failure as a RequestError: the AWS error name is kept as `code`, the message redacted. */
export function describeAwsFailure(error: unknown, request: string, timeoutMs: number, secrets: readonly string[]): RequestError {
  const failure = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = failure.name ?? 'Error';
  const cause = safeCause(error, secrets);
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new RequestError(`${request}: AWS did not answer within ${timeoutMs} ms`, request, 'ambiguous', { code: 'TIMEOUT' }, { cause });
  }
  const status = failure.$metadata?.httpStatusCode;
  if (status === undefined) {
    const code = networkCode(error);
    if (code !== undefined) {
      const { advice, explanation } = describeNetworkFailure(code, 'the AWS endpoint');
      return new RequestError(`${request}: ${explanation}`, request, advice, { code }, { cause });
    }
  }
  const message = redact(failure.message ?? String(error), secrets);
  return new RequestError(`${request}: ${name}: ${message}`, request, adviceFor(name, status), { status, code: name }, { cause });
}

/**
 * One AWS API call through the retry layer: `send` gets an abort signal bounding the attempt.
 * `secrets` are values the call carries or returns that must never reach an error.
 */
export function callAws<T>(
  request: string,
  send: (abortSignal: AbortSignal) => Promise<T>,
  retry: RetryContext,
  options: { readonly idempotent: boolean; readonly secrets?: readonly string[] },
): Promise<T> {
  return withRetries(
    request,
    async ({ timeoutMs }) => {
      try {
        return await send(AbortSignal.timeout(timeoutMs));
      } catch (error) {
        throw describeAwsFailure(error, request, timeoutMs, options.secrets ?? []);
      }
    },
    retry,
    options,
  );
}

/** Whether the error is the AWS error `name` (after describeAwsFailure). */
export const isAwsError = (error: unknown, name: string): error is RequestError => error instanceof RequestError && error.details.code === name;
