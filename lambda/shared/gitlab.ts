import { describeNetworkFailure, networkCode, redact, RequestError, RetryAdvice, safeCause } from './failure';
import { parseRetryAfter, RetryContext, withRetries } from './retry';

/** Where and how to reach GitLab's REST API v4. */
export interface GitLabEndpoint {
  /** Base URL, e.g. https://gitlab.example.com (no trailing slash). */
  readonly url: string;
  /** Sent as PRIVATE-TOKEN, when the requests authenticate with an access token. */
  readonly privateToken?: string;
  /** Where the credential came from, named in errors: `secret arn:aws:secretsmanager:…`. */
  readonly credentialSource: string;
}

export interface GitLabRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below /api/v4, e.g. `/projects/42/triggers`; ids already encoded. */
  readonly path: string;
  readonly query?: Record<string, string>;
  /** JSON body. */
  readonly json?: unknown;
  /** Form body (application/x-www-form-urlencoded). */
  readonly form?: Record<string, string>;
  /** Safe to send twice (GET, PUT, DELETE, or a POST whose duplicate is harmless). */
  readonly idempotent: boolean;
  /** Values this request carries that must never appear in an error or a log line. */
  readonly secrets?: readonly string[];
  /** Hints replacing the generic ones, by status. */
  readonly hints?: Partial<Record<number, string>>;
}

/** GitLab's error message from a JSON body (`message` or `error`, possibly nested), else the text. */
function gitlabMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    const message = parsed.message ?? parsed.error;
    return typeof message === 'string' ? message : JSON.stringify(message);
  } catch {
    return body;
  }
}

const PIPELINE_VARIABLES_REFUSED = /Insufficient permissions to set pipeline variables/i;

/** What to fix, for an answer that trying again will not change. */
function hintFor(status: number, message: string, endpoint: GitLabEndpoint): string {
  if (PIPELINE_VARIABLES_REFUSED.test(message)) {
    return (
      'GitLab refused the pipeline variables: the deploy project lets only Owners set them, and the owner of the ' +
      `credential from ${endpoint.credentialSource} is not an Owner of the namespace group. Make the platform's token user an Owner of the group.`
    );
  }
  switch (status) {
    case 401:
      return `GitLab rejected the credential from ${endpoint.credentialSource} (401): it is invalid, expired or revoked; store a valid one.`;
    case 403:
      return `GitLab refused the request (403): the owner of the credential from ${endpoint.credentialSource} lacks the role it needs (Maintainer of the project, api scope).`;
    case 404:
      return "GitLab answered 404: the project or object does not exist, or the credential's owner cannot see it.";
    default:
      return `GitLab answered ${status}.`;
  }
}

function adviceFor(status: number): RetryAdvice {
  if (status === 429) return 'retry';
  if (status >= 500) return 'ambiguous';
  return 'final';
}

/**
 * Sends one request to GitLab with global fetch and returns the parsed JSON answer; every failure
 * is a RequestError whose message names the request and the fix, and holds no credential.
 */
export async function sendToGitLab<T>(endpoint: GitLabEndpoint, request: GitLabRequest, timeoutMs: number): Promise<T> {
  const label = `${request.method} ${request.path}`;
  const secrets = [endpoint.privateToken ?? '', ...(request.secrets ?? [])];
  const url = new URL(`${endpoint.url}/api/v4${request.path}`);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (endpoint.privateToken) headers['private-token'] = endpoint.privateToken;
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  }
  let response: Response;
  try {
    response = await fetch(url, { method: request.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = safeCause(error, secrets);
    if ((error as { name?: string }).name === 'TimeoutError') {
      throw new RequestError(`${label}: GitLab did not answer within ${timeoutMs} ms`, label, 'ambiguous', { code: 'TIMEOUT' }, { cause });
    }
    const code = networkCode(error);
    const { advice, explanation } = describeNetworkFailure(code, url.host);
    throw new RequestError(`${label}: ${explanation}`, label, advice, { code }, { cause });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The answer broke off (a timeout while reading counts too): the request was processed or not.
    throw new RequestError(
      `${label}: GitLab's answer (${response.status}) broke off`,
      label,
      'ambiguous',
      { status: response.status },
      { cause: safeCause(error, secrets) },
    );
  }
  if (!response.ok) {
    const said = redact(gitlabMessage(text), secrets).slice(0, 500);
    const advice = adviceFor(response.status);
    const hint = request.hints?.[response.status] ?? (advice === 'final' ? hintFor(response.status, said, endpoint) : `GitLab answered ${response.status}.`);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    throw new RequestError(`${label}: ${hint} GitLab said: ${said}`, label, advice, { status: response.status, retryAfterMs });
  }
  try {
    return (text ? JSON.parse(text) : undefined) as T;
  } catch {
    throw new RequestError(`${label}: GitLab answered ${response.status} with a body that is not JSON; is ${endpoint.url} a GitLab?`, label, 'final', {
      status: response.status,
    });
  }
}

/** True for a RequestError of GitLab's 404: the object does not exist (or cannot be seen). */
export const isNotFound = (error: unknown): boolean => error instanceof RequestError && error.details.status === 404;

/** The GitLab REST API through one retry layer: each request is retried within the invocation's budget. */
export class GitLab {
  constructor(
    readonly endpoint: GitLabEndpoint,
    private readonly retry: RetryContext,
  ) {}

  request<T>(request: GitLabRequest): Promise<T> {
    return withRetries(`${request.method} ${request.path}`, (attempt) => sendToGitLab<T>(this.endpoint, request, attempt.timeoutMs), this.retry, {
      idempotent: request.idempotent,
    });
  }

  /** GET that answers undefined for 404 (an object that does not exist yet). */
  async find<T>(path: string, query?: Record<string, string>): Promise<T | undefined> {
    try {
      return await this.request<T>({ method: 'GET', path, query, idempotent: true });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
