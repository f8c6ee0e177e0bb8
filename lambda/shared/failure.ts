/**
 * Failures of requests to GitLab and AWS, as the functions throw them: a message naming the request,
 * what went wrong and how to fix it; whether trying again can help or harm; and a cause chain rebuilt
 * from names, codes and redacted messages only, so no header, token or key ever rides along.
 */

/**
 * What a failed request says about trying again:
 * - `retry`: it was not processed (429, connection refused, DNS hiccup): safe to send again;
 * - `ambiguous`: it may have been processed (5xx, timeout or reset after sending): send again only
 *   when doing it twice is harmless, otherwise find out first;
 * - `final`: the answer will not change (4xx, bad certificate, unknown host).
 */
export type RetryAdvice = 'retry' | 'ambiguous' | 'final';

/** A cause kept for diagnosis: name, code and a redacted message, nothing else. */
export class FailureCause extends Error {
  constructor(
    name: string,
    message: string,
    readonly code?: string,
    options?: { cause?: FailureCause },
  ) {
    super(message, options);
    this.name = name;
  }
}

export class RequestError extends Error {
  constructor(
    message: string,
    /** `METHOD /path` or `Service.Operation`, never with a query string or secret. */
    readonly request: string,
    readonly advice: RetryAdvice,
    readonly details: {
      /** HTTP status, when there was an answer. */
      readonly status?: number;
      /** AWS error name or network error code (ConditionalCheckFailedException, ECONNREFUSED). */
      readonly code?: string;
      /** How long the server asked to wait (Retry-After), in milliseconds. */
      readonly retryAfterMs?: number;
    } = {},
    /** Only causes built by this module: never a foreign error object, which may hold headers. */
    options?: { cause?: FailureCause | RequestError },
  ) {
    super(message, options);
    this.name = 'RequestError';
  }
}

const REDACTED = '[redacted]';

/** `text` with every secret replaced; secrets shorter than 4 characters are ignored (they would mangle text). */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret && secret.length >= 4).reduce((result, secret) => result.split(secret).join(REDACTED), text);
}

const MAX_CAUSE_DEPTH = 4;

/** The error's cause chain rebuilt as FailureCauses: names, codes and redacted messages only. */
export function safeCause(error: unknown, secrets: readonly string[], depth = 0): FailureCause | undefined {
  if (error === undefined || error === null || depth >= MAX_CAUSE_DEPTH) return undefined;
  const source = error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown };
  const nested = source.cause ?? (Array.isArray(source.errors) ? source.errors[0] : undefined);
  const code = typeof source.code === 'string' ? source.code : undefined;
  return new FailureCause(
    typeof source.name === 'string' ? source.name : 'Error',
    redact(typeof source.message === 'string' ? source.message : String(error), secrets),
    code,
    { cause: safeCause(nested, secrets, depth + 1) },
  );
}

/** The first error code (ECONNREFUSED, CERT_HAS_EXPIRED, …) along the cause chain and aggregated errors. */
export function networkCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > MAX_CAUSE_DEPTH) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code !== 'ERR_INVALID_ARG_TYPE') return code;
  return networkCode(cause, depth + 1) ?? (Array.isArray(errors) ? networkCode(errors[0], depth + 1) : undefined);
}

/** Codes of connections that never carried the request: it is safe to send it again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/** What a network failure (no HTTP answer) means, and what to do about it. */
export function describeNetworkFailure(code: string | undefined, host: string): { advice: RetryAdvice; explanation: string } {
  if (code === undefined) return { advice: 'ambiguous', explanation: `the connection to ${host} failed` };
  if (CERTIFICATE.test(code)) {
    return {
      advice: 'final',
      explanation:
        `the TLS certificate of ${host} was not accepted (${code}). If it is issued by a private certificate authority, ` +
        'give the function that CA bundle through NODE_EXTRA_CA_CERTS (a PEM file in the package or a layer)',
    };
  }
  if (code === 'ENOTFOUND') {
    return {
      advice: 'final',
      explanation: `the host name ${host} does not resolve (ENOTFOUND): check the GitLab URL, and the function's DNS if it runs in a VPC`,
    };
  }
  if (NOT_SENT.has(code)) return { advice: 'retry', explanation: `${host} could not be reached (${code})` };
  return { advice: 'ambiguous', explanation: `the connection to ${host} broke (${code}); the request may have been processed` };
}
