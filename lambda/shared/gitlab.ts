import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Gitlab } from '@gitbeaker/rest';
import { requiredSetting } from './environment';
import { readSecretString } from './secrets';

/** One file of a commit, in the shape of GitLab's commits API (`actions[]`). */
export interface CommitFileAction {
  readonly action: 'create';
  readonly filePath: string;
  readonly content: string;
  /** `base64` for binary files; text otherwise. */
  readonly encoding: 'text' | 'base64';
}

/** What the seed decision needs to know about a GitLab project. */
export interface ProjectState {
  readonly id: number;
  readonly pathWithNamespace: string;
  /** True until the first commit. */
  readonly emptyRepo: boolean;
}

/** The GitLab REST API subset the project's Lambdas call. */
export interface GitLabApi {
  /** GET /projects/:id */
  project(projectId: number): Promise<ProjectState>;
  /** GET /projects/:id/repository/commits?ref_name=:branch (newest first, one page of `limit`). */
  recentCommitMessages(projectId: number, branch: string, limit: number): Promise<string[]>;
  /** POST /projects/:id/repository/commits */
  createCommit(projectId: number, branch: string, message: string, actions: CommitFileAction[]): Promise<{ id: string }>;
  /** POST /projects/:id/pipeline */
  createPipeline(projectId: number, ref: string, variables: Record<string, string>): Promise<{ id: number; webUrl: string }>;
}

/** A GitLab request that failed; `retryable` tells a transient failure (5xx, 429, network) from a final one. */
export class GitLabRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GitLabRequestError';
  }
}

export const isRetryableGitLabError = (error: unknown): boolean => error instanceof GitLabRequestError && error.retryable;

export interface GitLabClientOptions {
  /** Base URL of the GitLab instance, e.g. https://gitlab.com. */
  readonly url: string;
  /** API token (never logged, never part of an error message). */
  readonly token: string;
  /** Where the token came from, named in authentication errors, e.g. `secret "acme/gitlab/private-token"`. */
  readonly tokenSource: string;
  /** Timeout of one request in milliseconds. @default 30000 */
  readonly requestTimeoutMs?: number;
}

/** What to fix, for the statuses that are never worth retrying. */
function finalFailureHint(status: number, tokenSource: string): string {
  switch (status) {
    case 401:
      return `GitLab rejected the token from ${tokenSource} (401 Unauthorized): it is invalid, expired or revoked; store a valid token with the api scope.`;
    case 403:
      return `GitLab refused the request (403 Forbidden): the owner of the token from ${tokenSource} needs the Maintainer role on the project and the token the api scope.`;
    case 404:
      return 'GitLab answered 404 Not Found: the project does not exist or the token owner cannot see it.';
    default:
      return `GitLab answered ${status}.`;
  }
}

/** Turns whatever the client library threw into a GitLabRequestError naming the request and the cause. */
function describeFailure(error: unknown, request: string, tokenSource: string, token: string): GitLabRequestError {
  const failure = error as { name?: string; message?: string; cause?: { response?: { status?: number } } };
  const status = failure.cause?.response?.status;
  // The library puts GitLab's own message into its errors; the token never reaches them, but be sure.
  const detail = (failure.message ?? String(error)).split(token).join('[token]');
  if (status !== undefined) {
    const retryable = status >= 500 || status === 429;
    const hint = retryable ? `GitLab answered ${status} (a server-side failure).` : finalFailureHint(status, tokenSource);
    return new GitLabRequestError(`${request}: ${hint} GitLab said: ${detail}`, status, retryable, { cause: error });
  }
  // Retries of 429/502 used up inside the library, request timeouts and network errors are transient.
  return new GitLabRequestError(`${request}: ${failure.name ?? 'Error'}: ${detail}`, undefined, true, { cause: error });
}

/** A GitLabApi over GitLab's REST API v4, through the @gitbeaker/rest client. */
export function gitlabClient(options: GitLabClientOptions): GitLabApi {
  const api = new Gitlab({ host: options.url, token: options.token, queryTimeout: options.requestTimeoutMs ?? 30000 });
  const call = async <T>(request: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw describeFailure(error, request, options.tokenSource, options.token);
    }
  };
  return {
    project: (projectId) =>
      call(`GET /projects/${projectId}`, async () => {
        const project = await api.Projects.show(projectId);
        return { id: project.id, pathWithNamespace: project.path_with_namespace, emptyRepo: project.empty_repo === true };
      }),
    recentCommitMessages: (projectId, branch, limit) =>
      call(`GET /projects/${projectId}/repository/commits`, async () => {
        const commits = await api.Commits.all(projectId, { refName: branch, perPage: limit, maxPages: 1 });
        return commits.map((commit) => String(commit.message ?? ''));
      }),
    createCommit: (projectId, branch, message, actions) =>
      call(`POST /projects/${projectId}/repository/commits`, async () => {
        const commit = await api.Commits.create(projectId, branch, message, actions.map((action) => ({ ...action })));
        return { id: commit.id };
      }),
    createPipeline: (projectId, ref, variables) =>
      call(`POST /projects/${projectId}/pipeline`, async () => {
        const pipeline = await api.Pipelines.create(projectId, ref, {
          variables: Object.entries(variables).map(([key, value]) => ({ key, value, variable_type: 'env_var' as const })),
        });
        return { id: pipeline.id, webUrl: pipeline.web_url };
      }),
  };
}

/** What a handler needs to reach GitLab with the token kept in Secrets Manager. */
export interface GitLabAccess {
  readonly secrets: SecretsManagerClient;
  readonly env: NodeJS.ProcessEnv;
  /** Client factory. @default gitlabClient */
  readonly gitlab?: (options: GitLabClientOptions) => GitLabApi;
}

/**
 * A GitLab client authenticated with the token read from the secret `tokenSecretName`, for the
 * instance the setting `urlSetting` names (the secret is read first; errors name the secret).
 */
export async function connectGitLab(access: GitLabAccess, tokenSecretName: string, urlSetting: string): Promise<GitLabApi> {
  const token = await readSecretString(access.secrets, tokenSecretName);
  return (access.gitlab ?? gitlabClient)({ url: requiredSetting(access.env, urlSetting), token, tokenSource: `secret "${tokenSecretName}"` });
}
