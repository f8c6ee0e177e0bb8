import { backoffDelay, Budget, parseRetryAfter, withRetries } from '../../lambda/shared/retry';
import { RequestError } from '../../lambda/shared/failure';

const policy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 3000, requestTimeoutMs: 5000 };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('one retry layer', () => {
  test('backoff doubles per attempt, is capped, and jitters between half and the full delay', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(policy, attempt, () => 1))).toEqual([1000, 2000, 3000, 3000]);
    expect(backoffDelay(policy, 2, () => 0)).toBe(1000);
  });

  test('Retry-After is read as delay-seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  /** Runs withRetries against a scripted sequence of failures on a fake clock; returns attempts, sleeps and the outcome. */
  async function run(failures: RequestError[], options: { idempotent: boolean; budgetMs: number }) {
    let clock = 0;
    const sleeps: number[] = [];
    const timeouts: number[] = [];
    const budget = new Budget(options.budgetMs, () => clock);
    const outcome = await withRetries(
      'GET /x',
      async ({ timeoutMs }) => {
        timeouts.push(timeoutMs);
        const failure = failures.shift();
        if (failure) throw failure;
        return 'ok';
      },
      { policy, budget, log: silent, random: () => 1, sleep: async (ms) => void (sleeps.push(ms), (clock += ms)) },
      { idempotent: options.idempotent },
    ).catch((error: Error) => error);
    return { outcome, sleeps, timeouts };
  }
  const failure = (advice: 'retry' | 'ambiguous' | 'final', retryAfterMs?: number) =>
    new RequestError('GET /x: failed', 'GET /x', advice, { status: 503, retryAfterMs });

  test('retries what was not processed, with backoff or the asked delay, and bounds each request by the time left', async () => {
    const { outcome, sleeps, timeouts } = await run([failure('retry'), failure('retry', 2500)], { idempotent: false, budgetMs: 8000 });
    expect(outcome).toBe('ok');
    expect(sleeps).toEqual([1000, 2500]);
    expect(timeouts).toEqual([5000, 5000, 4500]);
  });

  test('an ambiguous failure is retried only when the operation is idempotent', async () => {
    expect((await run([failure('ambiguous')], { idempotent: true, budgetMs: 60000 })).outcome).toBe('ok');
    const refused = await run([failure('ambiguous')], { idempotent: false, budgetMs: 60000 });
    expect((refused.outcome as RequestError).message).toBe('GET /x: failed (gave up: the request may have been processed; sending it again could do it twice)');
    expect((refused.outcome as RequestError).advice).toBe('ambiguous');
  });

  test('a final failure is thrown as it is; the attempt limit and the budget end the others with a reason', async () => {
    const final = failure('final');
    expect((await run([final], { idempotent: true, budgetMs: 60000 })).outcome).toBe(final);
    expect(
      (
        (
          await run(
            [1, 2, 3, 4].map(() => failure('retry')),
            { idempotent: true, budgetMs: 60000 },
          )
        ).outcome as Error
      ).message,
    ).toContain('(gave up: 4 attempts made)');
    expect(((await run([failure('retry', 60000)], { idempotent: true, budgetMs: 10000 })).outcome as Error).message).toContain(
      '(gave up: the server asked to wait 60 s (Retry-After), but only 10 s remain before the function must stop)',
    );
  });
});
