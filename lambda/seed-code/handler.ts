import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { requiredSetting } from '../shared/environment';
import { SEED_SETTINGS } from './settings';
import { connectGitLab, GitLabAccess, GitLabApi, isRetryableGitLabError } from '../shared/gitlab';
import { createLogger, Logger } from '../shared/log';
import { DEFAULT_RETRY_POLICY, RetryPolicy, withRetry } from '../shared/retry';
import { readSeedFiles, readSeedManifest, SEED_REPOSITORIES, SeedManifest, SeedRepository } from './seed-files';
import { commitActions, decideSeeding, seedCommitMessage } from './seed-plan';

/** One repository to seed: which seed folder goes into which GitLab project, on which branch. */
export interface SeedTarget {
  readonly repository: SeedRepository;
  readonly gitlabProjectId: number;
  readonly branch: string;
}

/** The invocation input terraform sends (aws_lambda_invocation). */
export interface SeedEvent {
  readonly repositories: SeedTarget[];
}

export interface SeedOutcome {
  readonly repository: SeedRepository;
  readonly gitlabProjectId: number;
  readonly outcome: 'seeded' | 'already-seeded' | 'foreign-content';
  readonly commitId?: string;
}

/** Commits newest-first that are searched for the seed commit of a repository with content. */
const RECENT_COMMITS = 100;

/** Validates the invocation input, naming the first field that is wrong. */
export function parseSeedEvent(event: unknown): SeedEvent {
  const repositories = (event as { repositories?: unknown })?.repositories;
  if (!Array.isArray(repositories) || repositories.length === 0) throw new Error('Invocation input needs "repositories": a non-empty list.');
  return {
    repositories: repositories.map((target, index) => {
      const { repository, gitlabProjectId, branch } = (target ?? {}) as Record<string, unknown>;
      if (!SEED_REPOSITORIES.includes(repository as SeedRepository)) {
        throw new Error(`repositories[${index}].repository must be one of ${SEED_REPOSITORIES.join(', ')}, not ${JSON.stringify(repository)}.`);
      }
      const id = Number(gitlabProjectId);
      if (!Number.isInteger(id) || id <= 0) throw new Error(`repositories[${index}].gitlabProjectId must be a GitLab project id, not ${JSON.stringify(gitlabProjectId)}.`);
      if (typeof branch !== 'string' || branch === '') throw new Error(`repositories[${index}].branch must be a branch name.`);
      return { repository: repository as SeedRepository, gitlabProjectId: id, branch };
    }),
  };
}

/** `env` holds SEED_SETTINGS. */
export interface SeedHandlerDependencies extends GitLabAccess {
  /** Folder of the Lambda package (the manifest and seed-code/ are there). */
  readonly packageDir: string;
  /** Retries of GitLab failures. @default DEFAULT_RETRY_POLICY */
  readonly retryPolicy?: RetryPolicy;
  /** Where log lines go. @default console.log */
  readonly write?: (line: string) => void;
}

async function seedRepository(
  gitlab: GitLabApi,
  target: SeedTarget,
  manifest: SeedManifest,
  packageDir: string,
  project: { name: string; id: string },
  log: Logger,
): Promise<SeedOutcome> {
  const where = { repository: target.repository, gitlabProjectId: target.gitlabProjectId };
  const inspect = async () => {
    const state = await gitlab.project(target.gitlabProjectId);
    const recentCommitMessages = state.emptyRepo ? [] : await gitlab.recentCommitMessages(target.gitlabProjectId, target.branch, RECENT_COMMITS);
    return { state, decision: decideSeeding({ emptyRepo: state.emptyRepo, recentCommitMessages }, project.id) };
  };
  const { state, decision } = await inspect();
  if (decision.action === 'leave') {
    const write = decision.outcome === 'already-seeded' ? log.info : log.warn;
    write(`Not seeding ${state.pathWithNamespace}: ${decision.reason}`, { ...where, outcome: decision.outcome });
    return { ...where, outcome: decision.outcome };
  }
  const files = readSeedFiles(packageDir, target.repository, manifest);
  const message = seedCommitMessage(target.repository, project, manifest[target.repository].digest);
  let commit: { id: string };
  try {
    commit = await gitlab.createCommit(target.gitlabProjectId, target.branch, message, commitActions(files));
  } catch (error) {
    // GitLab may have stored the commit and still answered an error (a proxy's 502, a timeout, or a
    // library retry refused because the files now exist): the repository tells which.
    const after = await inspect();
    if (after.decision.action === 'leave' && after.decision.outcome === 'already-seeded') {
      log.info(`Seeded ${state.pathWithNamespace}: the commit landed although GitLab answered an error`, { ...where, outcome: 'seeded' });
      return { ...where, outcome: 'seeded' };
    }
    throw error;
  }
  log.info(`Seeded ${state.pathWithNamespace} with ${files.length} files`, { ...where, outcome: 'seeded', commitId: commit.id, files: files.length });
  return { ...where, outcome: 'seeded', commitId: commit.id };
}

/**
 * The seed-code handler: for each repository, one commit holding every seed file, made only while
 * the repository is empty. Every failure is thrown, so the terraform apply that invoked it fails.
 */
export function createSeedHandler(dependencies: SeedHandlerDependencies) {
  return async (event: unknown): Promise<{ repositories: SeedOutcome[] }> => {
    const { env } = dependencies;
    const project = { name: requiredSetting(env, SEED_SETTINGS.projectName), id: requiredSetting(env, SEED_SETTINGS.projectId) };
    const log = createLogger({ sagemakerProjectId: project.id, function: 'seed-code' }, dependencies.write);
    try {
      const { repositories } = parseSeedEvent(event);
      const tokenSecretName = requiredSetting(env, SEED_SETTINGS.tokenSecretName);
      const manifest = readSeedManifest(dependencies.packageDir);
      const gitlab = await connectGitLab(dependencies, tokenSecretName, SEED_SETTINGS.gitlabUrl);
      const outcomes: SeedOutcome[] = [];
      for (const target of repositories) {
        outcomes.push(
          await withRetry(
            () => seedRepository(gitlab, target, manifest, dependencies.packageDir, project, log),
            isRetryableGitLabError,
            dependencies.retryPolicy ?? DEFAULT_RETRY_POLICY,
            (error, attempt, delayMs) => log.warn(`Retrying ${target.repository} in ${delayMs} ms: ${error.message}`, { attempt }),
          ),
        );
      }
      return { repositories: outcomes };
    } catch (error) {
      log.error(`Seeding failed: ${(error as Error).message}`);
      throw error;
    }
  };
}

export const handler = createSeedHandler({ secrets: new SecretsManagerClient({}), packageDir: __dirname, env: process.env });
